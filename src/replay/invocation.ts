// What decides the outcome of one `cicd check` invocation, as one key: cicd's build, the arguments as
// typed, the directory it was typed in, the environment, and the content of the repository's working tree
// as git sees it (tracked files, their changes, untracked files that are not ignored). The tools, which live
// outside the repository, are witnessed separately (cache/remembered-runs.ts). Computed the same way before
// oclif loads (replay/fast-path.ts) and by the command itself, so both sides agree on the key.
import {createHash} from 'node:crypto'
import path from 'node:path'

import {openGitRepository, type WorktreeSnapshot} from '../adapters/git.js'
import {cicdBuild} from '../cache/remembered-runs.js'

export interface Invocation {
  /** The arguments after `check`, exactly as given. */
  argv: readonly string[]
  cwd: string
  env: NodeJS.ProcessEnv
  /** cicd's own package directory. */
  packageRoot: string
}

/**
 * Variables a shell changes between two identical commands, which no check reads. Every other variable is
 * part of the key: a tool may read any of them (LANG, XDG_CONFIG_HOME, PYLINTHOME, PIP_*, …).
 */
const VOLATILE_VARIABLES = new Set(['_', 'OLDPWD', 'PWD', 'SHLVL', 'COLUMNS', 'LINES', 'TERM_SESSION_ID', 'WINDOWID', 'SSH_AUTH_SOCK', 'GPG_TTY'])

/**
 * Invocations whose outcome is not a function of the key: anything CI runs (it records into the state
 * database, and a fresh clone has nothing to replay), written reports and debug output (a replay writes
 * and shows neither), a run with the cache off, help, and CICD_RECHECK.
 */
const NEVER_REPLAYED = /^(?:--ci|--report|--verbose|--no-cache|--help|-h)(?:=|$)/

export function replayableInvocation(invocation: Invocation, inCi: boolean): boolean {
  return !inCi && !invocation.env.CICD_RECHECK && !invocation.argv.some((arg) => NEVER_REPLAYED.test(arg))
}

/** The repository the invocation checks: --cwd's directory (relative to where it was typed), else that place. */
export function targetDirectory(invocation: Invocation): string {
  const argv = invocation.argv
  const index = argv.indexOf('--cwd')
  const joined = argv.find((arg) => arg.startsWith('--cwd='))
  const given = index >= 0 ? argv[index + 1] : joined?.slice('--cwd='.length)
  return path.resolve(invocation.cwd, given ?? '.')
}

export interface InvocationKey {
  key: string
  /** The working tree it was computed from (its branch and commit go into the run ledger). */
  snapshot: WorktreeSnapshot
  /** Where the memory of runs lives (the git common dir's cicd/runs). */
  memoryDir: string
}

export async function invocationKey(invocation: Invocation): Promise<InvocationKey> {
  const [build, snapshot] = await Promise.all([cicdBuild(invocation.packageRoot), openGitRepository(targetDirectory(invocation)).worktreeSnapshot()])
  const canonical = JSON.stringify({build, ...typed(invocation), tree: snapshot.digest})
  return {key: createHash('sha256').update(canonical).digest('hex'), snapshot, memoryDir: path.join(snapshot.commonDir, 'cicd', 'runs')}
}

/** What the key takes from the invocation itself (the arguments, the place, the environment). */
function typed(invocation: Invocation) {
  const environment = Object.entries(invocation.env)
    .filter(([name]) => !VOLATILE_VARIABLES.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return {argv: invocation.argv, cwd: invocation.cwd, environment}
}

/** The key the fast path started computing when the process began, until the command takes it. */
let keyOfStart: {invocation: Invocation; key: Promise<InvocationKey>} | undefined

/** Keeps the fast path's key for the command it falls back to, in the same process: three git processes once, not twice. */
export function shareKeyOfStart(invocation: Invocation, key: Promise<InvocationKey>): void {
  key.catch(() => undefined)
  keyOfStart = {invocation, key}
}

/**
 * The key of the invocation as the run starts: the fast path's when it keyed this same invocation (the same
 * arguments, place, environment and cicd), else computed now. Taken once.
 */
export function keyAtStart(invocation: Invocation): Promise<InvocationKey> {
  const shared = keyOfStart
  keyOfStart = undefined
  const same =
    shared !== undefined &&
    path.resolve(shared.invocation.packageRoot) === path.resolve(invocation.packageRoot) &&
    JSON.stringify(typed(shared.invocation)) === JSON.stringify(typed(invocation))
  return same ? shared.key : invocationKey(invocation)
}
