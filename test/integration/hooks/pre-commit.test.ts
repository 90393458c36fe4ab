// The optional pre-commit hook, with real repositories and the real flake8: `git commit` running it checks
// the staged content (also the temporary index of `git commit -a`), never the working tree, and leaves the
// user's files, index and stash exactly as they were.
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {openGitRepository} from '../../../src/adapters/git.js'
import {CleanupStack} from '../../../src/lifecycle/cleanup.js'
import {runPreCommit} from '../../../src/services/pre-commit.js'
import {recordingTerminal} from '../../unit/hooks/fakes.js'
import {CLEAN_MODULE, GitFixture, LINT_ERROR_MODULE} from './git-fixture.js'

const fixtures: GitFixture[] = []
async function repo(): Promise<GitFixture> {
  const fixture = await GitFixture.withHook()
  fixtures.push(fixture)
  await fixture.cicd(['hooks', 'install', '--pre-commit'], {expect: 0})
  return fixture
}

afterEach(() => {
  for (const fixture of fixtures.splice(0)) fixture.dispose()
})

const head = async (fixture: GitFixture) => (await fixture.git(['rev-parse', 'HEAD'])).stdout.trim()

describe('cicd hooks install --pre-commit', () => {
  it('installs the pre-commit hook beside the pre-push hook, keeps it current, and uninstall removes both', async () => {
    const fixture = await repo()
    const hooks = path.join(fixture.work, '.git', 'hooks')
    expect(readFileSync(path.join(hooks, 'pre-commit'), 'utf8')).toContain('exec "$cicd" hooks run pre-commit "$@"')
    expect(statSync(path.join(hooks, 'pre-commit')).mode & 0o111).not.toBe(0)

    // Installing again without the flag leaves both in place, unchanged.
    const again = await fixture.cicd(['hooks', 'install'], {expect: 0})
    expect(again.stdout).toMatch(/pre-push hook is already installed and current/)
    expect(again.stdout).toMatch(/pre-commit hook is already installed and current/)
    const status = JSON.parse((await fixture.cicd(['hooks', 'status', '--json'], {expect: 0})).stdout) as {hooks: {hook: string; state: string; active: boolean}[]}
    expect(status.hooks.map(({hook, state, active}) => ({hook, state, active}))).toEqual([
      {hook: 'pre-push', state: 'current', active: true},
      {hook: 'pre-commit', state: 'current', active: true},
    ])

    const removed = await fixture.cicd(['hooks', 'uninstall'], {expect: 0})
    expect(removed.stdout).toMatch(/Removed the pre-push hook/)
    expect(removed.stdout).toMatch(/Removed the pre-commit hook/)
    const after = await fixture.cicd(['hooks', 'status'], {expect: 0})
    expect(after.stdout).toMatch(/pre-commit: not installed\n.*\n\s+optional \(file-local checks on staged files\): cicd hooks install --pre-commit/)
  })
})

describe('the pre-commit hook checks the staged content', () => {
  it('refuses a staged lint error despite an unstaged fix, and leaves the working tree, index and stash as they were', async () => {
    const fixture = await repo()
    fixture.write('pkg/extra.py', 'VALUE = 1\n')
    await fixture.git(['add', 'pkg/extra.py'])
    await fixture.git(['stash', 'push', '-q', '-m', 'kept'])
    fixture.write('pkg/mod.py', LINT_ERROR_MODULE)
    await fixture.git(['add', 'pkg/mod.py'])
    fixture.write('pkg/mod.py', CLEAN_MODULE)
    fixture.write('notes.txt', 'untracked\n')
    const before = await fixture.snapshot()
    const commitBefore = await head(fixture)

    const commit = await fixture.git(['commit', '-m', 'a lint error, staged'], {expect: 1})

    expect(commit.stderr).toContain('pkg/mod.py:1:1  F401')
    expect(commit.stderr).toContain('cicd pre-commit: commit blocked.')
    expect(commit.stderr).toContain('Reproduce (checks the staged content again): cicd hooks run pre-commit')
    expect(await head(fixture)).toBe(commitBefore)
    expect(await fixture.snapshot()).toEqual(before)
    expect(await fixture.worktrees()).toEqual([fixture.work])
  })

  it('lets through a clean staged change while the working tree holds an unstaged lint error', async () => {
    const fixture = await repo()
    fixture.write('pkg/other.py', 'OTHER = 1\n')
    await fixture.git(['add', 'pkg/other.py'])
    fixture.write('pkg/mod.py', LINT_ERROR_MODULE)

    const commit = await fixture.git(['commit', '-m', 'clean'], {expect: 0})

    expect(commit.stderr).toContain('cicd pre-commit: the file-local checks on 1 staged Python file, as staged')
    expect(commit.stderr).toContain('cicd pre-commit: ok')
    expect((await fixture.git(['show', '--name-only', '--format=', 'HEAD'])).stdout.trim()).toBe('pkg/other.py')
    expect(readFileSync(path.join(fixture.work, 'pkg/mod.py'), 'utf8')).toBe(LINT_ERROR_MODULE)
  })

  it('checks what `git commit -a` stages into its temporary index', async () => {
    const fixture = await repo()
    fixture.write('pkg/mod.py', LINT_ERROR_MODULE)
    const commitBefore = await head(fixture)

    const commit = await fixture.git(['commit', '-a', '-m', 'all of it'], {expect: 1})

    expect(commit.stderr).toContain('pkg/mod.py:1:1  F401')
    expect(await head(fixture)).toBe(commitBefore)
    // git discards the temporary index: the change is unstaged again, as before the commit.
    expect((await fixture.git(['status', '--porcelain'])).stdout).toBe(' M pkg/mod.py\n')
  })

  it('run by hand, it writes neither the index (not even its stat cache) nor the working tree', async () => {
    const fixture = await repo()
    fixture.write('pkg/mod.py', LINT_ERROR_MODULE)
    await fixture.git(['add', 'pkg/mod.py'])
    const index = path.join(fixture.work, '.git', 'index')
    const bytes = readFileSync(index)
    const mtime = statSync(index).mtimeMs

    const run = await fixture.cicd(['hooks', 'run', 'pre-commit'], {expect: 1})

    expect(run.stderr).toContain('F401')
    expect(readFileSync(index)).toEqual(bytes)
    expect(statSync(index).mtimeMs).toBe(mtime)
  })

  it('run by hand on an index in conflict, it says what to do, exit 2, and writes nothing', async () => {
    const fixture = await repo()
    await fixture.git(['checkout', '-q', '-b', 'feature/other'])
    fixture.write('pkg/mod.py', `${CLEAN_MODULE}\n\nOTHER = 1\n`)
    await fixture.commitAll('other side')
    await fixture.git(['checkout', '-q', 'main'])
    fixture.write('pkg/mod.py', `${CLEAN_MODULE}\n\nMAIN = 1\n`)
    await fixture.commitAll('main side')
    await fixture.git(['merge', 'feature/other'], {expect: 1})
    const before = await fixture.snapshot()

    const run = await fixture.cicd(['hooks', 'run', 'pre-commit'], {expect: 2})

    expect(run.stderr).toContain('The index holds 1 path in conflict (pkg/mod.py)')
    expect(run.stderr).toContain('Resolve the conflicts and git add the files, then commit')
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/)
    expect(await fixture.snapshot()).toEqual(before)
  })

  it('is bypassed by --no-verify and CICD_SKIP, has nothing to do without a staged Python file, and does not check passed content again', async () => {
    const fixture = await repo()
    fixture.write('pkg/mod.py', LINT_ERROR_MODULE)
    await fixture.git(['add', 'pkg/mod.py'])
    expect((await fixture.cicd(['hooks', 'run', 'pre-commit'], {env: {CICD_SKIP: 'flake8'}, expect: 0})).stderr).toContain('skipping flake8 (CICD_SKIP)')
    expect((await fixture.git(['commit', '-q', '-m', 'skipped', '--no-verify'])).status).toBe(0)

    fixture.write('README.md', '# docs\n')
    await fixture.git(['add', 'README.md'])
    expect((await fixture.git(['commit', '-m', 'docs'], {expect: 0})).stderr).toContain('no staged Python file; nothing to check')

    fixture.write('pkg/mod.py', CLEAN_MODULE)
    await fixture.git(['add', 'pkg/mod.py'])
    expect((await fixture.cicd(['hooks', 'run', 'pre-commit'], {expect: 0})).stderr).toContain('cicd pre-commit: ok')
    const second = await fixture.git(['commit', '-m', 'fixed'], {expect: 0})
    expect(second.stderr).toContain('this exact staged content passed at')
  })
})

describe('the scratch copy of the index', () => {
  it('is removed by the cleanup an interrupt runs while git writes the tree, and after a run', async () => {
    const fixture = await repo()
    fixture.write('pkg/mod.py', `${CLEAN_MODULE}\n\nVALUE = 2\n`)
    await fixture.git(['add', 'pkg/mod.py'])
    const tempDir = mkdtempSync(path.join(os.tmpdir(), 'cicd-scratch-it-'))
    try {
      const git = openGitRepository(fixture.work)
      const cleanup = new CleanupStack()
      // An interrupt's cleanup runs while the copy exists (the signal handler runs the stack, then exits).
      let copyAtInterrupt: string[] = []
      let leftAfterInterrupt = true
      const interruptedGit = {
        ...git,
        async commitIndex(message: string, scratchDir: string, indexFile?: string) {
          const commit = await git.commitIndex(message, scratchDir, indexFile)
          copyAtInterrupt = readdirSync(scratchDir)
          await cleanup.runAll()
          leftAfterInterrupt = existsSync(scratchDir)
          return commit
        },
      }
      const options = {git: interruptedGit, indexFile: undefined, skipEnv: undefined, tempDir, bin: 'cicd', cicdVersion: 'test', cleanup, terminal: recordingTerminal().terminal}
      const checked = await runPreCommit({...options, check: async () => Promise.reject(new Error('interrupted before the checks'))}).catch((error: Error) => error.message)
      expect(checked).toBe('interrupted before the checks')
      expect(copyAtInterrupt).toEqual(['index'])
      expect(leftAfterInterrupt).toBe(false)
      expect(readdirSync(tempDir)).toEqual([])

      // Without an interrupt, the copy is gone once the commit is made.
      let scratch = ''
      const watchedGit = {...git, commitIndex: async (message: string, scratchDir: string, indexFile?: string) => git.commitIndex(message, (scratch = scratchDir), indexFile)}
      await runPreCommit({...options, git: watchedGit, check: async () => Promise.reject(new Error('stop after the commit'))}).catch(() => undefined)
      expect(scratch).toMatch(/cicd-index-/)
      expect(existsSync(scratch)).toBe(false)
      expect(cleanup.size).toBe(0)
    } finally {
      rmSync(tempDir, {recursive: true, force: true})
    }
  })
})
