// cicd hooks install | uninstall | status against real repositories, run through bin/run.js, and the
// installed hook run by a real git push.
import {readFileSync, statSync} from 'node:fs'
import path from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {GitFixture, LINT_ERROR_MODULE, readIfExists} from './git-fixture.js'

const fixtures: GitFixture[] = []
async function repo(): Promise<GitFixture> {
  const fixture = await GitFixture.withHook()
  fixtures.push(fixture)
  return fixture
}

afterEach(() => {
  for (const fixture of fixtures.splice(0)) fixture.dispose()
})

const isExecutable = (file: string) => (statSync(file).mode & 0o111) !== 0

/** A hook of the user's own that records what git gave it. */
const recordingHook = (log: string, exitCode = 0) => `#!/bin/sh\necho "args: $*" > ${JSON.stringify(log)}\ncat >> ${JSON.stringify(log)}\nexit ${exitCode}\n`

describe('cicd hooks install', () => {
  it('installs once: a second install changes nothing', async () => {
    const repository = await repo()
    const hook = path.join(repository.work, '.git/hooks/pre-push')
    const first = readFileSync(hook)
    const again = await repository.cicd(['hooks', 'install'], {expect: 0})
    expect(again.stdout).toContain('already installed and current')
    expect(readFileSync(hook)).toEqual(first)
    expect(isExecutable(hook)).toBe(true)
  })

  it('keeps an existing hook, runs it first with the same refs, and restores it on uninstall', async () => {
    const repository = await repo()
    await repository.cicd(['hooks', 'uninstall'], {expect: 0})
    const hook = path.join(repository.work, '.git/hooks/pre-push')
    const log = path.join(repository.root, 'own-hook.log')
    const own = recordingHook(log)
    repository.writeExecutable(hook, own)

    const install = await repository.cicd(['hooks', 'install'], {expect: 0})
    expect(install.stdout).toContain(`It runs the earlier hook first: ${hook}.pre-cicd`)

    await repository.git(['checkout', '-q', '-b', 'feature/chain'])
    repository.write('pkg/new.py', 'NEW = 1\n')
    const sha = await repository.commitAll('new')
    const push = await repository.push(['origin', 'feature/chain'])
    expect(push.status).toBe(0)
    expect(push.stderr).toContain('cicd pre-push')
    expect(readIfExists(log)).toBe(`args: origin ${repository.remote}\nrefs/heads/feature/chain ${sha} refs/heads/feature/chain ${'0'.repeat(40)}\n`)

    const uninstall = await repository.cicd(['hooks', 'uninstall'], {expect: 0})
    expect(uninstall.stdout).toContain('Restored the earlier hook')
    expect(readFileSync(hook, 'utf8')).toBe(own)
    expect(isExecutable(hook)).toBe(true)
    expect(readIfExists(`${hook}.pre-cicd`)).toBeUndefined()
  })

  it('blocks the push when the chained hook fails, before cicd runs', async () => {
    const repository = await repo()
    await repository.cicd(['hooks', 'uninstall'], {expect: 0})
    repository.writeExecutable(path.join(repository.work, '.git/hooks/pre-push'), recordingHook(path.join(repository.root, 'log'), 3))
    await repository.cicd(['hooks', 'install'], {expect: 0})
    await repository.git(['checkout', '-q', '-b', 'feature/x'])
    const push = await repository.push(['origin', 'feature/x'])
    expect(push.status).not.toBe(0)
    expect(push.stderr).not.toContain('cicd pre-push')
    expect(await repository.remoteHas('refs/heads/feature/x')).toBe(false)
  })

  it('installs where core.hooksPath points, and git runs it there', async () => {
    const repository = await repo()
    await repository.cicd(['hooks', 'uninstall'], {expect: 0})
    await repository.git(['config', 'core.hooksPath', '.githooks'])
    await repository.cicd(['hooks', 'install'], {expect: 0})
    expect(readIfExists(path.join(repository.work, '.githooks/pre-push'))).toContain('cicd-hook: pre-push')
    expect(readIfExists(path.join(repository.work, '.git/hooks/pre-push'))).toBeUndefined()

    await repository.git(['checkout', '-q', '-b', 'feature/hooks-path'])
    repository.write('pkg/mod.py', LINT_ERROR_MODULE)
    await repository.commitAll('lint error')
    const push = await repository.push(['origin', 'feature/hooks-path'])
    expect(push.status).not.toBe(0)
    expect(push.stderr).toContain('F401')
  })

  it('goes beside husky 9’s hooks and runs the team’s husky hook first', async () => {
    const repository = await repo()
    await repository.cicd(['hooks', 'uninstall'], {expect: 0})
    // A stand-in for what `husky` 9 generates: .husky/_/h runs .husky/<hook> with sh -e, and core.hooksPath=.husky/_.
    const husky = path.join(repository.work, '.husky')
    repository.writeExecutable(
      path.join(husky, '_/h'),
      '#!/usr/bin/env sh\nn=$(basename "$0")\ns=$(dirname "$(dirname "$0")")/$n\n[ ! -f "$s" ] && exit 0\nexport PATH="node_modules/.bin:$PATH"\nsh -e "$s" "$@"\nc=$?\n[ $c != 0 ] && echo "husky - $n script failed (code $c)"\nexit $c\n',
    )
    repository.writeExecutable(path.join(husky, '_/pre-push'), '#!/usr/bin/env sh\n. "$(dirname "$0")/h"\n')
    const log = path.join(repository.root, 'husky.log')
    repository.write('.husky/pre-push', `echo husky-ran > ${JSON.stringify(log)}\n`)
    await repository.git(['config', 'core.hooksPath', '.husky/_'])

    await repository.cicd(['hooks', 'install'], {expect: 0})
    expect(readIfExists(path.join(husky, 'pre-push'))).toContain('sh -e "$chained"')
    expect(readIfExists(path.join(husky, 'pre-push.pre-cicd'))).toContain('husky-ran')
    const status = JSON.parse((await repository.cicd(['hooks', 'status', '--json'], {expect: 0})).stdout)
    expect(status.hooks[0]).toMatchObject({state: 'current', style: 'husky', active: true})

    await repository.git(['checkout', '-q', '-b', 'feature/husky'])
    repository.write('pkg/mod.py', LINT_ERROR_MODULE)
    await repository.commitAll('lint error')
    const push = await repository.push(['origin', 'feature/husky'])
    expect(readIfExists(log)).toBe('husky-ran\n')
    expect(push.stderr).toContain('F401')
    expect(push.status).not.toBe(0)
  })

  it('does not overwrite a hand-edited hook without --force, and status says it was edited', async () => {
    const repository = await repo()
    const hook = path.join(repository.work, '.git/hooks/pre-push')
    const edited = `${readFileSync(hook, 'utf8')}echo my addition\n`
    repository.writeExecutable(hook, edited)

    const status = await repository.cicd(['hooks', 'status'], {expect: 0})
    expect(status.stdout).toContain('installed, edited by hand')

    const refused = await repository.cicd(['hooks', 'install'])
    expect(refused.status).toBe(2)
    expect(refused.stderr).toContain('edited by hand')
    expect(refused.stderr).toContain('cicd hooks install --force')
    expect(readFileSync(hook, 'utf8')).toBe(edited)

    const forced = await repository.cicd(['hooks', 'install', '--force'], {expect: 0})
    expect(forced.stdout).toContain('Overwrote the hand-edited pre-push hook')
    expect((await repository.cicd(['hooks', 'status'], {expect: 0})).stdout).toContain('installed, current, git runs it')
  })

  it('status says when core.hooksPath shadows the installed hook', async () => {
    const repository = await repo()
    await repository.git(['config', 'core.hooksPath', '.githooks'])
    const status = JSON.parse((await repository.cicd(['hooks', 'status', '--json'], {expect: 0})).stdout)
    expect(status.hooks[0]).toMatchObject({state: 'missing', active: false, file: path.join(repository.work, '.githooks/pre-push')})
    expect(status.hooks[0].problems[0]).toContain('is a cicd hook git never runs, because core.hooksPath points to')
  })

  it('installs into the common hooks directory from a linked worktree', async () => {
    const repository = await repo()
    await repository.cicd(['hooks', 'uninstall'], {expect: 0})
    const linked = path.join(repository.root, 'linked')
    await repository.git(['worktree', 'add', '-q', '-b', 'feature/linked', linked])
    await repository.cicd(['hooks', 'install'], {cwd: linked, expect: 0})
    expect(readIfExists(path.join(repository.work, '.git/hooks/pre-push'))).toContain('cicd-hook: pre-push')
  })

  it('installs into a submodule’s own hooks directory from inside the submodule', async () => {
    const repository = await repo()
    const library = await GitFixture.empty()
    fixtures.push(library)
    library.write('lib.py', 'LIB = 1\n')
    await library.commitAll('library')
    await repository.git(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', library.work, 'vendor/lib'])
    const submodule = path.join(repository.work, 'vendor/lib')
    await repository.cicd(['hooks', 'install'], {cwd: submodule, expect: 0})
    expect(readIfExists(path.join(repository.work, '.git/modules/vendor/lib/hooks/pre-push'))).toContain('cicd-hook: pre-push')
  })

  it('stops the push with install instructions when cicd cannot be found', async () => {
    const repository = await repo()
    await repository.git(['checkout', '-q', '-b', 'feature/no-cicd'])
    const push = await repository.push(['origin', 'feature/no-cicd'], {env: {PATH: '/usr/bin:/bin'}})
    expect(push.status).not.toBe(0)
    expect(push.stderr).toContain('cannot find cicd (it looked in node_modules/.bin and on PATH)')
    expect(push.stderr).toContain('npm install --save-dev cicd')
    expect(push.stderr).toContain('git push --no-verify')
  })

  it('says what to do outside a git repository, exit 2', async () => {
    const repository = await repo()
    const result = await repository.cicd(['hooks', 'install'], {cwd: repository.root})
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('not a git working tree')
  })
})

describe('cicd policy', () => {
  it('says a feature branch never deploys (--json)', async () => {
    const repository = await repo()
    const result = await repository.cicd(['policy', 'feature/x', '--json'], {expect: 0})
    expect(JSON.parse(result.stdout)).toMatchObject({branch: 'feature/x', rule: 'feature/*', phases: ['static', 'test'], deploy: [], deploys: false})
  })

  it('shows main’s production deploy after an approval, and reads the configured policy', async () => {
    const repository = await repo()
    repository.write('.cicdrc.json', JSON.stringify({policy: {rules: {main: {refuseDirectPush: true}}}}))
    const result = await repository.cicd(['policy', 'main'], {expect: 0})
    expect(result.stdout).toContain('Deploys:        production (automatic, after a manual approval)')
    expect(result.stdout).toContain('Direct pushes:  refused by the pre-push hook')
  })

  it('describes the current branch, and asks for a name on a detached HEAD', async () => {
    const repository = await repo()
    await repository.git(['checkout', '-q', '-b', 'hotfix/urgent'])
    expect(JSON.parse((await repository.cicd(['policy', '--json'], {expect: 0})).stdout).deploy).toHaveLength(2)
    await repository.git(['checkout', '-q', '--detach'])
    const detached = await repository.cicd(['policy'])
    expect(detached.status).toBe(2)
    expect(detached.stderr).toContain('HEAD is detached')
  })
})
