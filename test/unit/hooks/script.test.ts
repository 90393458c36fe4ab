import {describe, expect, it} from 'vitest'

import {hookLocation} from '../../../src/hooks/location.js'
import {classifyHookFile, renderHookScript} from '../../../src/hooks/script.js'

describe('the hook script', () => {
  it('is recognised as cicd’s current script', () => {
    expect(classifyHookFile(renderHookScript('pre-push', 'git'), 'pre-push', 'git')).toEqual({kind: 'ours', current: true, edited: false})
  })

  it('is detected as edited by hand when any byte changes', () => {
    const edited = renderHookScript('pre-push', 'git').replace('exec "$cicd"', 'echo skipped; exit 0; exec "$cicd"')
    expect(classifyHookFile(edited, 'pre-push', 'git')).toMatchObject({kind: 'ours', edited: true})
    const appended = `${renderHookScript('pre-push', 'git')}echo extra\n`
    expect(classifyHookFile(appended, 'pre-push', 'git')).toMatchObject({kind: 'ours', edited: true})
  })

  it('is unedited but not current when it was written for another style (husky adopted since)', () => {
    expect(classifyHookFile(renderHookScript('pre-push', 'husky'), 'pre-push', 'git')).toEqual({kind: 'ours', current: false, edited: false})
  })

  it('has a pre-commit form of its own: no stdin to read or hand on, and not mistaken for the pre-push hook', () => {
    const script = renderHookScript('pre-commit', 'git')
    expect(classifyHookFile(script, 'pre-commit', 'git')).toEqual({kind: 'ours', current: true, edited: false})
    expect(classifyHookFile(script, 'pre-push', 'git')).toEqual({kind: 'foreign'})
    // A pre-commit hook's stdin is the user's terminal: reading it would hang the commit.
    expect(script).not.toContain('$(cat)')
    expect(script).toContain('exec "$cicd" hooks run pre-commit "$@"')
    expect(script).toContain('so the commit stops here')
  })

  it('tells someone else’s hook apart, even one that calls cicd', () => {
    expect(classifyHookFile('#!/bin/sh\ncicd hooks run pre-push "$@"\n', 'pre-push', 'git')).toEqual({kind: 'foreign'})
  })

  it('runs a chained hook the way its directory runs hooks', () => {
    expect(renderHookScript('pre-push', 'git')).toContain('if [ -x "$chained" ]; then')
    expect(renderHookScript('pre-push', 'husky')).toContain('sh -e "$chained" "$@"')
  })
})

describe('hookLocation', () => {
  it('uses git’s hooks directory as it is', () => {
    expect(hookLocation('/repo/.git/hooks')).toEqual({dir: '/repo/.git/hooks', style: 'git', gitHooksDir: '/repo/.git/hooks'})
    expect(hookLocation('/shared/hooks')).toMatchObject({dir: '/shared/hooks', style: 'git'})
  })

  it('puts the hook beside husky 9’s hooks, not among its generated wrappers', () => {
    expect(hookLocation('/repo/.husky/_')).toEqual({dir: '/repo/.husky', style: 'husky', gitHooksDir: '/repo/.husky/_'})
  })

  it('treats husky 4-8 (core.hooksPath=.husky, run by git) as a git hooks directory', () => {
    expect(hookLocation('/repo/.husky')).toMatchObject({dir: '/repo/.husky', style: 'git'})
  })
})
