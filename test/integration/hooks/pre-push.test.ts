// git push running the installed hook, with real repositories, a bare remote and the real checks.
import {existsSync, utimesSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {CLEAN_MODULE, CLI, FLAKE8_ONLY, GitFixture, LINT_ERROR_MODULE} from './git-fixture.js'

const ZERO = '0'.repeat(40)
const fixtures: GitFixture[] = []
async function repo(config?: object): Promise<GitFixture> {
  const fixture = await GitFixture.withHook(config)
  fixtures.push(fixture)
  return fixture
}

afterEach(() => {
  for (const fixture of fixtures.splice(0)) fixture.dispose()
})

describe('the pre-push hook checks exactly what is pushed', () => {
  it('refuses a commit with a lint error despite an uncommitted fix, and leaves the working tree, index and stash exactly as they were', async () => {
    const repository = await repo()
    await repository.git(['checkout', '-q', '-b', 'feature/lint'])
    repository.write('pkg/mod.py', LINT_ERROR_MODULE)
    await repository.commitAll('add a lint error')
    // A stash entry, a staged change, an unstaged fix and an untracked file: all the user's, none pushed.
    repository.write('pkg/extra.py', 'VALUE = 1\n')
    await repository.git(['add', 'pkg/extra.py'])
    await repository.git(['stash', 'push', '-q', '-m', 'kept'])
    repository.write('pkg/staged.py', 'STAGED = 2\n')
    await repository.git(['add', 'pkg/staged.py'])
    repository.write('pkg/mod.py', CLEAN_MODULE)
    repository.write('notes.txt', 'untracked\n')
    const before = await repository.snapshot()

    const push = await repository.push(['origin', 'feature/lint'])

    expect(push.status).not.toBe(0)
    expect(push.stderr).toContain('F401')
    expect(push.stderr).toContain('pkg/mod.py:1:1')
    expect(push.stderr).toContain('push blocked')
    expect(push.stderr).toMatch(/Reproduce: printf '%s\\n' 'refs\/heads\/feature\/lint [0-9a-f]{40} refs\/heads\/feature\/lint 0{40}' \| cicd hooks run pre-push origin /)
    expect(await repository.remoteHas('refs/heads/feature/lint')).toBe(false)
    expect(await repository.snapshot()).toEqual(before)
    expect(await repository.worktrees()).toEqual([repository.work])
  })

  it('lets through a clean commit even when the working tree holds an uncommitted lint error', async () => {
    const repository = await repo()
    await repository.git(['checkout', '-q', '-b', 'feature/clean'])
    repository.write('pkg/other.py', 'OTHER = 1\n')
    await repository.commitAll('clean change')
    repository.write('pkg/mod.py', LINT_ERROR_MODULE)
    const before = await repository.snapshot()

    const push = await repository.push(['origin', 'feature/clean'])

    expect(push.stderr).toContain('1 changed Python file')
    expect(push.status).toBe(0)
    expect(await repository.remoteHas('refs/heads/feature/clean')).toBe(true)
    expect(await repository.snapshot()).toEqual(before)
  })

  it('checks both branches of one push and blocks it when either fails', async () => {
    const repository = await repo()
    await repository.git(['checkout', '-q', '-b', 'feature/good'])
    repository.write('pkg/good.py', 'GOOD = 1\n')
    await repository.commitAll('good')
    await repository.git(['checkout', '-q', '-b', 'feature/bad', 'main'])
    repository.write('pkg/bad.py', 'import sys\n')
    await repository.commitAll('bad')

    const push = await repository.push(['origin', 'feature/good', 'feature/bad'])

    expect(push.status).not.toBe(0)
    expect(push.stderr).toContain('feature/good → feature/good (new branch, 1 new commit)')
    expect(push.stderr).toContain('feature/bad → feature/bad (new branch, 1 new commit)')
    expect(push.stderr).toContain("pkg/bad.py:1:1  F401  'sys' imported but unused")
    expect(push.stderr.match(/passed/g)?.length).toBe(1)
    expect(await repository.remoteHas('refs/heads/feature/good')).toBe(false)
  })

  it('checks only what a new branch adds to what the remote has, and nothing for a deleted branch', async () => {
    const repository = await repo()
    await repository.git(['checkout', '-q', '-b', 'feature/two'])
    repository.write('pkg/one.py', 'ONE = 1\n')
    await repository.commitAll('one')
    repository.write('pkg/two.py', 'TWO = 2\n')
    await repository.commitAll('two')
    const push = await repository.push(['origin', 'feature/two'])
    expect(push.status).toBe(0)
    expect(push.stderr).toContain('(new branch, 2 new commits)')
    expect(push.stderr).toContain('on 2 changed Python files')

    const deletion = await repository.push(['origin', ':feature/two'])
    expect(deletion.status).toBe(0)
    expect(deletion.stderr).toContain('refs/heads/feature/two: deleted on origin; nothing to check')
    expect(await repository.remoteHas('refs/heads/feature/two')).toBe(false)
  })

  it('runs the full set on the whole tree for a push to main', async () => {
    const repository = await repo()
    repository.write('pkg/late.py', 'LATE = 1\n')
    await repository.commitAll('late')
    const push = await repository.push(['origin', 'main'])
    expect(push.status).toBe(0)
    expect(push.stderr).toContain('rule main: static, test, build, scan on the whole tree')
  })

  it('refuses a direct push to main when the policy says so', async () => {
    const repository = await repo({checks: {flake8: {gate: 'block'}}, policy: {rules: {main: {refuseDirectPush: true}}}})
    repository.write('pkg/late.py', 'LATE = 1\n')
    await repository.commitAll('late')
    const push = await repository.push(['origin', 'main'])
    expect(push.status).not.toBe(0)
    expect(push.stderr).toContain('refuses direct pushes to main')
  })

  it('is bypassed by --no-verify, CICD_SKIP=1 and, for single checks, CICD_SKIP=flake8', async () => {
    const repository = await repo()
    await repository.git(['checkout', '-q', '-b', 'feature/skip'])
    repository.write('pkg/bad.py', 'import sys\n')
    await repository.commitAll('bad')

    const skipped = await repository.push(['origin', 'feature/skip'], {env: {CICD_SKIP: 'flake8'}})
    expect(skipped.stderr).toContain('skipping flake8 (CICD_SKIP)')
    expect(skipped.status).toBe(0)
    await repository.git(['push', '-q', '--no-verify', 'origin', ':feature/skip'])

    const all = await repository.push(['origin', 'feature/skip'], {env: {CICD_SKIP: '1'}})
    expect(all.status).toBe(0)
    expect(all.stderr).toContain('CICD_SKIP=1: pushing without checks')
    await repository.git(['push', '-q', '--no-verify', 'origin', ':feature/skip'])

    const noVerify = await repository.push(['--no-verify', 'origin', 'feature/skip'])
    expect(noVerify.status).toBe(0)
    expect(noVerify.stderr).not.toContain('cicd pre-push')
    expect(await repository.remoteHas('refs/heads/feature/skip')).toBe(true)
  })

  it('does not check again content that already passed, until a tool changes', async () => {
    const repository = await repo()
    // flake8 through a wrapper first on PATH, so the test can change "the tool" without touching /usr/bin.
    const wrapper = path.join(repository.bin, 'flake8')
    writeFileSync(wrapper, '#!/bin/sh\nexec /usr/bin/flake8 "$@"\n', {mode: 0o755})
    await repository.git(['checkout', '-q', '-b', 'feature/again'])
    repository.write('pkg/other.py', 'OTHER = 1\n')
    await repository.commitAll('clean change')
    const pushAndDelete = async () => {
      const push = await repository.push(['origin', 'feature/again'])
      await repository.git(['push', '-q', '--no-verify', 'origin', ':feature/again'])
      return push
    }

    const first = await pushAndDelete()
    expect(first.status, first.stderr).toBe(0)
    expect(first.stderr).toContain('1 changed Python file')

    const second = await pushAndDelete()
    expect(second.status, second.stderr).toBe(0)
    expect(second.stderr).toMatch(/passed: this exact content \(tree [0-9a-f]{10}\) passed at \S+ with the same tools and settings; not checked again/)
    expect(second.stderr).not.toContain('1 changed Python file')

    const rechecked = await repository.push(['origin', 'feature/again'], {env: {CICD_RECHECK: '1'}})
    await repository.git(['push', '-q', '--no-verify', 'origin', ':feature/again'])
    expect(rechecked.status, rechecked.stderr).toBe(0)
    expect(rechecked.stderr).toContain('1 changed Python file')

    // Another flake8 (here: the same file, modified): the verdict no longer holds.
    const later = new Date(Date.now() + 60_000)
    utimesSync(wrapper, later, later)
    const third = await pushAndDelete()
    expect(third.status, third.stderr).toBe(0)
    expect(third.stderr).toContain('1 changed Python file')

    // Content that fails is never remembered: it is checked, and blocked, every time.
    repository.write('pkg/bad.py', 'import sys\n')
    await repository.commitAll('lint error')
    for (let attempt = 0; attempt < 2; attempt++) {
      const blocked = await repository.push(['origin', 'feature/again'])
      expect(blocked.status).not.toBe(0)
      expect(blocked.stderr).toContain('F401')
    }
  })

  it('checks a push from a linked worktree in its own temporary tree, leaving both worktrees alone', async () => {
    const repository = await repo()
    const linked = path.join(repository.root, 'linked')
    await repository.git(['worktree', 'add', '-q', '-b', 'feature/linked', linked])
    repository.write('pkg/bad.py', 'import sys\n', linked)
    await repository.commitAll('bad', linked)
    repository.write('pkg/mod.py', LINT_ERROR_MODULE)
    const before = await Promise.all([repository.snapshot(), repository.snapshot(linked)])

    const push = await repository.push(['origin', 'feature/linked'], {cwd: linked})

    expect(push.status).not.toBe(0)
    expect(push.stderr).toContain("pkg/bad.py:1:1  F401  'sys' imported but unused")
    expect(await Promise.all([repository.snapshot(), repository.snapshot(linked)])).toEqual(before)
    expect(await repository.worktrees()).toEqual([repository.work, linked])
  })

  it('checks a new tag that points at commits the remote does not have', async () => {
    const repository = await repo()
    repository.write('pkg/bad.py', 'import sys\n')
    await repository.commitAll('bad')
    await repository.git(['tag', '-a', 'v1.0', '-m', 'release'])
    const push = await repository.push(['origin', 'v1.0'])
    expect(push.status).not.toBe(0)
    expect(push.stderr).toContain('v1.0 → v1.0 (new tag, 1 new commit)')
    expect(push.stderr).toContain('rule default (not a branch)')
  })
})

describe('cicd hooks run pre-push with bad input', () => {
  it('refuses to read refs from a terminal, exit 2, saying how to use it', async () => {
    const repository = await repo()
    // util-linux `script` gives the command a pseudo-terminal as stdin, like running it by hand.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} hooks run pre-push origin ${JSON.stringify(repository.remote)}`
    const run = await repository.run('script', ['-qec', command, '/dev/null'], repository.work)
    expect(run.status).toBe(2)
    expect(run.stdout).toContain('stdin is a terminal')
    expect(run.stdout).toContain('cicd hooks install')
  })

  it('treats an empty stdin as nothing to push', async () => {
    const repository = await repo()
    const run = await repository.cicd(['hooks', 'run', 'pre-push', 'origin', repository.remote], {input: ''})
    expect(run.status).toBe(0)
    expect(run.stderr).toContain('nothing to check')
  })

  it('rejects a ref line whose sha is not in the repository, exit 2', async () => {
    const repository = await repo()
    const missing = 'f'.repeat(40)
    const run = await repository.cicd(['hooks', 'run', 'pre-push', 'origin', repository.remote], {input: `refs/heads/x ${missing} refs/heads/x ${ZERO}\n`})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`The commit ${missing}`)
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })

  it('rejects a garbled ref line, exit 2', async () => {
    const repository = await repo()
    const run = await repository.cicd(['hooks', 'run', 'pre-push', 'origin', repository.remote], {input: 'not a ref line\n'})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('Cannot read the ref line "not a ref line"')
  })

  it('says a repository with no commits has nothing to push, exit 2', async () => {
    const repository = await GitFixture.empty()
    fixtures.push(repository)
    const run = await repository.cicd(['hooks', 'run', 'pre-push', 'origin', repository.remote], {input: `refs/heads/main ${'a'.repeat(40)} refs/heads/main ${ZERO}\n`})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('no commits yet')
  })

  it('checks the whole tree on a first push to a remote with no tracking refs', async () => {
    const repository = await GitFixture.empty()
    fixtures.push(repository)
    repository.write('.cicdrc.json', JSON.stringify(FLAKE8_ONLY))
    repository.write('pkg/mod.py', CLEAN_MODULE)
    await repository.commitAll('initial')
    await repository.cicd(['hooks', 'install'], {expect: 0})
    await repository.git(['checkout', '-q', '-b', 'feature/first'])
    const push = await repository.push(['origin', 'feature/first'])
    expect(push.stderr).toContain('no remote-tracking refs here')
    expect(push.stderr).toContain('on the whole tree')
    expect(push.status).toBe(0)
  })

  it('checks the whole tree from a shallow clone whose new commits reach the shallow boundary, and says how to narrow it', async () => {
    const origin = await repo()
    origin.write('pkg/second.py', 'SECOND = 2\n')
    await origin.commitAll('second')
    await origin.git(['push', '-q', '--no-verify', 'origin', 'main'])
    const shallow = path.join(origin.root, 'shallow')
    await origin.run('git', ['clone', '-q', '--depth', '1', `file://${origin.remote}`, shallow], origin.root, {expect: 0})
    expect(existsSync(path.join(shallow, '.git', 'shallow'))).toBe(true)
    await origin.configureUser(shallow)
    await origin.cicd(['hooks', 'install'], {cwd: shallow, expect: 0})
    // The remote-tracking refs left do not reach the shallow boundary, so the new branch's range runs into it.
    await origin.git(['checkout', '-q', '--orphan', 'unrelated'], {cwd: shallow})
    await origin.git(['commit', '-q', '--allow-empty', '-m', 'unrelated'], {cwd: shallow})
    await origin.git(['update-ref', 'refs/remotes/origin/unrelated', 'HEAD'], {cwd: shallow})
    await origin.git(['update-ref', '-d', 'refs/remotes/origin/main'], {cwd: shallow})
    await origin.git(['checkout', '-q', '-f', '-b', 'feature/shallow', 'main'], {cwd: shallow})
    origin.write('pkg/third.py', 'THIRD = 3\n', shallow)
    await origin.commitAll('third', shallow)
    const push = await origin.push(['origin', 'feature/shallow'], {cwd: shallow})
    expect(push.stderr).toContain('(new branch, 2 new commits)')
    expect(push.stderr).toContain('git fetch --unshallow')
    expect(push.stderr).toContain('on the whole tree')
    expect(push.status).toBe(0)
  })

})
