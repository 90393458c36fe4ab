// Ctrl-C during a push: the hook's temporary worktree must be removed and unregistered.
import {existsSync} from 'node:fs'
import {mkdtemp, readdir, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {afterEach, expect, it} from 'vitest'

import {FLAKE8_ONLY, GitFixture} from './git-fixture.js'

const fixtures: GitFixture[] = []
afterEach(() => {
  for (const fixture of fixtures.splice(0)) fixture.dispose()
})

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

it('leaves no registered temporary worktree when the push is interrupted mid-check', async () => {
  const root = await GitFixture.empty()
  fixtures.push(root)
  // A stand-in for flake8 that answers --version like flake8 5.0.4, then never finishes checking, so the
  // test can interrupt the hook while a check runs inside the temporary worktree.
  const standIn = path.join(root.root, 'slow-flake8')
  const running = `${standIn}.running`
  root.writeExecutable(
    standIn,
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "5.0.4 (mccabe: 0.7.0, pycodestyle: 2.10.0, pyflakes: 2.5.0) CPython 3.11.2 on Linux"; exit 0; fi\ntouch ${JSON.stringify(running)}\nexec sleep 60\n`,
  )
  const config = {...FLAKE8_ONLY, checks: {...FLAKE8_ONLY.checks, flake8: {gate: 'block', path: standIn}}}
  root.write('.cicdrc.json', JSON.stringify(config))
  root.write('pkg/mod.py', 'VALUE = 1\n')
  await root.commitAll('initial')
  await root.git(['push', '-q', '--no-verify', 'origin', 'main'])
  await root.cicd(['hooks', 'install'], {expect: 0})
  await root.git(['checkout', '-q', '-b', 'feature/interrupted'])
  root.write('pkg/other.py', 'OTHER = 2\n')
  await root.commitAll('other')
  // Uncommitted work: the hook must check the pushed commit in a temporary worktree, not here.
  root.write('notes.txt', 'draft\n')

  // Its own temporary directory, to see that nothing the run made there outlives it.
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'cicd-interrupt-tmp-'))
  const push = root.spawnPush(['origin', 'feature/interrupted'], {TMPDIR: tmp})
  try {
    await until(async () => existsSync(running), 60_000, `the check to start (stderr so far: ${push.stderr()})`)
    const during = await root.worktrees()
    expect(during).toHaveLength(2)
    const temporary = during[1]!
    expect(path.basename(temporary)).toMatch(/^cicd-pre-push-/)

    process.kill(-push.child.pid!, 'SIGINT')
    expect(await push.exited).not.toBe(0)
    // The hook's own cleanup may finish a moment after git has exited.
    await until(async () => (await root.worktrees()).length === 1 && !existsSync(temporary), 20_000, 'the temporary worktree to go')
    expect(await root.worktrees()).toEqual([root.work])
    expect(await root.remoteHas('refs/heads/feature/interrupted')).toBe(false)
    // The checks were winding down while the interrupt cleaned up: the test phase made no directories there.
    expect(await readdir(tmp)).toEqual([])
  } finally {
    // Whatever failed above, nothing this test started may outlive it.
    if (push.child.exitCode === null && push.child.signalCode === null) process.kill(-push.child.pid!, 'SIGKILL')
    await rm(tmp, {recursive: true, force: true})
  }
})
