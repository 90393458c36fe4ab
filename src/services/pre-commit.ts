// `cicd hooks run pre-commit`, the optional fast hook: the file-local checks (flake8, black, isort, bandit)
// on the staged Python files, as staged. The index is committed to a scratch commit (objects only: no ref
// moves, and the user's index file is not written) and checked out into a temporary worktree, so a fix
// left unstaged cannot make a false green, and the user's files, index, stash and untracked files are
// neither read for the verdict nor touched. pylint (which needs every module), the tests and the images
// are the pre-push hook's.
import {randomUUID} from 'node:crypto'
import {rm} from 'node:fs/promises'
import path from 'node:path'

import type {GitRepository} from '../adapters/git.js'
import type {Terminal} from '../adapters/terminal.js'
import {STATIC_CHECKS} from '../checks/registry.js'
import {ExitCode, UsageError} from '../errors.js'
import {parseSkip} from '../hooks/skip.js'
import type {VerdictKey, VerdictStore} from '../hooks/verdicts.js'
import type {CleanupStack} from '../lifecycle/cleanup.js'
import type {RunResult} from '../pipeline/result.js'
import {type HookCheckOptions, rememberPass, renderResult, temporaryWorktree} from './hook-run.js'

export interface PreCommitOptions {
  git: GitRepository
  /** The index being committed: GIT_INDEX_FILE as git sets it for the hook (`git commit -a` uses a temporary one). */
  indexFile: string | undefined
  /** The CICD_SKIP environment variable. */
  skipEnv: string | undefined
  check: (options: HookCheckOptions) => Promise<RunResult>
  tempDir: string
  /** How the user runs cicd, for the line that reproduces a failure. */
  bin: string
  verdicts?: VerdictStore
  cicdVersion: string
  cleanup: CleanupStack
  terminal: Terminal
}

/**
 * The static checks left to the pre-push hook: pylint and the dependency audit. The commit waits for the
 * others, those that look at one file at a time, as configured (one disabled there stays off).
 */
const LEFT_TO_PRE_PUSH = STATIC_CHECKS.filter((definition) => !definition.fileLocal).map((definition) => definition.id)

/**
 * The staged content as a scratch commit. The copy of the index git write-tree works on is removed like a
 * temporary worktree: registered before it exists, so Ctrl-C meanwhile leaves no copy behind either.
 */
async function commitStaged(options: PreCommitOptions): Promise<string> {
  const scratch = path.join(options.tempDir, `cicd-index-${randomUUID().slice(0, 8)}`)
  const remove = options.cleanup.add(`scratch index ${scratch}`, () => rm(scratch, {recursive: true, force: true}))
  try {
    return await options.git.commitIndex('cicd pre-commit: the staged content', scratch, options.indexFile)
  } finally {
    await remove()
  }
}

/** Stands in for the remote ref in the verdict key: a commit's verdict is not a push's. */
const DESTINATION = 'pre-commit'

export async function runPreCommit(options: PreCommitOptions): Promise<{exitCode: number}> {
  const {git, terminal} = options
  const {color} = terminal
  await git.topLevel().catch((error: unknown) => {
    throw new UsageError('cicd hooks run pre-commit must run inside the working tree git is committing in.', ['Let git run it: cicd hooks install --pre-commit, then git commit'], error)
  })
  const skip = parseSkip(options.skipEnv)
  if (skip.all) {
    terminal.error(`cicd pre-commit: CICD_SKIP=${options.skipEnv}: committing without checks.`)
    return {exitCode: ExitCode.ok}
  }
  const unmerged = await git.unmergedFiles(options.indexFile)
  if (unmerged.length > 0) {
    throw new UsageError(`The index holds ${unmerged.length} path${unmerged.length === 1 ? '' : 's'} in conflict (${unmerged.slice(0, 3).join(', ')}${unmerged.length > 3 ? ', …' : ''}), so there is no staged content to check yet.`, [
      'Resolve the conflicts and git add the files, then commit (the hook runs then)',
    ])
  }
  const staged = (await git.stagedFiles(options.indexFile)).filter((file) => file.endsWith('.py'))
  if (staged.length === 0) {
    terminal.error('cicd pre-commit: no staged Python file; nothing to check.')
    return {exitCode: ExitCode.ok}
  }
  terminal.error(`cicd pre-commit: the file-local checks on ${staged.length} staged Python file${staged.length === 1 ? '' : 's'}, as staged${skip.checks.length > 0 ? `, skipping ${skip.checks.join(', ')} (CICD_SKIP)` : ''}`)

  const commit = await commitStaged(options)
  const key: VerdictKey = {tree: await git.treeOf(commit), destination: DESTINATION, files: staged, skip: skip.checks, cicdVersion: options.cicdVersion}
  const passedAt = await options.verdicts?.passedAt(key).catch(() => undefined)
  if (passedAt) {
    terminal.error(`  ${color.green('passed')}: this exact staged content passed at ${passedAt} with the same tools and settings; not checked again`)
    return {exitCode: ExitCode.ok}
  }

  const releases: (() => Promise<void>)[] = []
  let result: RunResult
  try {
    const root = await temporaryWorktree(options, 'pre-commit', commit, releases)
    result = await options.check({cwd: root, phases: ['static'], skip: [...LEFT_TO_PRE_PUSH, ...skip.checks], files: staged, output: 'silent', cleanup: options.cleanup, terminal})
  } finally {
    for (const release of releases) await release()
  }
  renderResult(result, terminal)
  if (result.exitCode === 0) {
    await rememberPass(options, key, result)
    terminal.error(color.green(`cicd pre-commit: ok (${(result.durationMs / 1000).toFixed(1)} s)`))
    return {exitCode: ExitCode.ok}
  }
  terminal.error(color.red('cicd pre-commit: commit blocked.'))
  terminal.error(`  Reproduce (checks the staged content again): ${options.bin} hooks run pre-commit`)
  terminal.error('  Commit once without checking: git commit --no-verify (or CICD_SKIP=1 git commit)')
  return {exitCode: result.exitCode}
}
