import {describe, expect, it} from 'vitest'

import {renderHookScript} from '../../../src/hooks/script.js'
import {hooksStatus, installHooks, uninstallHooks} from '../../../src/services/hooks.js'
import {fakeGit, fakeHookFiles} from './fakes.js'

const HOOK = '/repo/.git/hooks/pre-push'
const CHAINED = '/repo/.git/hooks/pre-push.pre-cicd'
const LEGACY = '#!/bin/sh\necho legacy\n'

describe('installHooks', () => {
  it('installs an executable hook, and a second install changes nothing', async () => {
    const {api: files, files: store} = fakeHookFiles()
    const git = fakeGit().api
    expect(await installHooks({git, files})).toEqual([{hook: 'pre-push', file: HOOK, action: 'installed'}])
    expect(store.get(HOOK)).toEqual({content: renderHookScript('pre-push', 'git'), executable: true})
    const snapshot = new Map(store)
    expect((await installHooks({git, files}))[0]!.action).toBe('unchanged')
    expect(store).toEqual(snapshot)
  })

  it('keeps an existing hook and chains it, and uninstall puts it back', async () => {
    const {api: files, files: store} = fakeHookFiles({[HOOK]: {content: LEGACY}})
    const git = fakeGit().api
    expect(await installHooks({git, files})).toEqual([{hook: 'pre-push', file: HOOK, action: 'installed', chained: CHAINED}])
    expect(store.get(CHAINED)?.content).toBe(LEGACY)
    expect(await uninstallHooks({git, files})).toEqual([{hook: 'pre-push', file: HOOK, action: 'removed', restored: HOOK}])
    expect([...store.keys()]).toEqual([HOOK])
    expect(store.get(HOOK)).toEqual({content: LEGACY, executable: true})
  })

  it('refuses to overwrite a hand-edited hook without --force, and overwrites it with', async () => {
    const edited = `${renderHookScript('pre-push', 'git')}echo mine\n`
    const {api: files, files: store} = fakeHookFiles({[HOOK]: {content: edited}})
    const git = fakeGit().api
    await expect(installHooks({git, files})).rejects.toMatchObject({exitCode: 2, message: expect.stringContaining('edited by hand')})
    expect(store.get(HOOK)?.content).toBe(edited)
    expect((await installHooks({git, files, force: true}))[0]!.action).toBe('overwritten')
    expect(store.get(HOOK)?.content).toBe(renderHookScript('pre-push', 'git'))
  })

  it('refuses when both a foreign hook and a chained hook exist, losing neither', async () => {
    const {api: files, files: store} = fakeHookFiles({[HOOK]: {content: LEGACY}, [CHAINED]: {content: '#!/bin/sh\necho older\n'}})
    await expect(installHooks({git: fakeGit().api, files, force: true})).rejects.toMatchObject({exitCode: 2})
    expect(store.get(HOOK)?.content).toBe(LEGACY)
    expect(store.get(CHAINED)?.content).toContain('older')
  })

  it('repairs its own hook when it lost the executable bit', async () => {
    const {api: files, files: store} = fakeHookFiles({[HOOK]: {content: renderHookScript('pre-push', 'git'), executable: false}})
    expect((await installHooks({git: fakeGit().api, files}))[0]!.action).toBe('updated')
    expect(store.get(HOOK)?.executable).toBe(true)
  })

  it('installs under core.hooksPath, and beside husky 9’s hooks', async () => {
    const shared = fakeHookFiles()
    await installHooks({git: fakeGit({hooksDir: '/shared/hooks'}).api, files: shared.api})
    expect([...shared.files.keys()]).toEqual(['/shared/hooks/pre-push'])

    const husky = fakeHookFiles({'/repo/.husky/pre-push': {content: 'npm test\n', executable: false}})
    const results = await installHooks({git: fakeGit({hooksDir: '/repo/.husky/_'}).api, files: husky.api})
    expect(results[0]).toMatchObject({file: '/repo/.husky/pre-push', chained: '/repo/.husky/pre-push.pre-cicd'})
    expect(husky.files.get('/repo/.husky/pre-push')?.content).toBe(renderHookScript('pre-push', 'husky'))
  })

  it('says what to do outside a working tree', async () => {
    await expect(installHooks({git: fakeGit({top: ''}).api, files: fakeHookFiles().api})).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('not a git working tree'),
    })
  })
})

describe('uninstallHooks', () => {
  it('leaves someone else’s hook alone', async () => {
    const {api: files, files: store} = fakeHookFiles({[HOOK]: {content: LEGACY}})
    expect((await uninstallHooks({git: fakeGit().api, files}))[0]!.action).toBe('not-installed')
    expect(store.get(HOOK)?.content).toBe(LEGACY)
  })

  it('keeps a hand-edited hook unless forced', async () => {
    const edited = `${renderHookScript('pre-push', 'git')}echo mine\n`
    const {api: files, files: store} = fakeHookFiles({[HOOK]: {content: edited}})
    await expect(uninstallHooks({git: fakeGit().api, files})).rejects.toMatchObject({exitCode: 2})
    expect(store.has(HOOK)).toBe(true)
    await uninstallHooks({git: fakeGit().api, files, force: true})
    expect(store.has(HOOK)).toBe(false)
  })
})

describe('hooksStatus', () => {
  it('reports a current, active hook and its chained hook', async () => {
    const {api: files} = fakeHookFiles({[HOOK]: {content: renderHookScript('pre-push', 'git')}, [CHAINED]: {content: LEGACY}})
    expect(await hooksStatus({git: fakeGit().api, files})).toEqual([
      {hook: 'pre-push', file: HOOK, style: 'git', state: 'current', executable: true, chained: CHAINED, problems: [], active: true},
      // The optional pre-commit hook, not installed: reported, and not a problem.
      {hook: 'pre-commit', file: HOOK.replace(/pre-push$/, 'pre-commit'), style: 'git', state: 'missing', executable: false, problems: [], active: false},
    ])
  })

  it('reports a hand-edited hook and a hook that is not executable', async () => {
    const {api: files} = fakeHookFiles({[HOOK]: {content: `${renderHookScript('pre-push', 'git')}# mine\n`, executable: false}})
    const [status] = await hooksStatus({git: fakeGit().api, files})
    expect(status).toMatchObject({state: 'edited', active: false})
    expect(status!.problems.join('\n')).toMatch(/not executable/)
    expect(status!.problems.join('\n')).toMatch(/edited by hand/)
  })

  it('says when core.hooksPath shadows a cicd hook in .git/hooks', async () => {
    const {api: files} = fakeHookFiles({[HOOK]: {content: renderHookScript('pre-push', 'git')}})
    const [status] = await hooksStatus({git: fakeGit({hooksDir: '/shared/hooks'}).api, files})
    expect(status).toMatchObject({state: 'missing', file: '/shared/hooks/pre-push', active: false})
    expect(status!.problems[0]).toContain(`${HOOK} is a cicd hook git never runs, because core.hooksPath points to /shared/hooks`)
  })

  it('says when husky’s wrappers are missing', async () => {
    const {api: files} = fakeHookFiles({'/repo/.husky/pre-push': {content: renderHookScript('pre-push', 'husky')}})
    const [status] = await hooksStatus({git: fakeGit({hooksDir: '/repo/.husky/_'}).api, files})
    expect(status).toMatchObject({state: 'current', active: false})
    expect(status!.problems[0]).toMatch(/husky's wrapper .*missing/)
  })
})
