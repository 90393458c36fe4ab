// `cicd hooks run pre-push <remote> <url>`: for every ref git is pushing, check exactly the content pushed,
// with the branch policy of the destination. Each pushed commit is checked out into a temporary detached
// worktree outside the user's working tree (or, when that tree is clean and at the pushed commit, the tree
// itself), so the user's files, index, stash and untracked files are neither read for the verdict nor touched.
import {randomUUID} from 'node:crypto'
import path from 'node:path'

import type {GitRepository} from '../adapters/git.js'
import type {Terminal} from '../adapters/terminal.js'
import type {Finding, PhaseId} from '../checks/types.js'
import {ExitCode, UsageError} from '../errors.js'
import {destinationOf, formatRefLine, isZeroSha, parseRefLines, type RefUpdate} from '../hooks/ref-lines.js'
import {parseSkip} from '../hooks/skip.js'
import type {VerdictKey, VerdictStore} from '../hooks/verdicts.js'
import type {CleanupStack} from '../lifecycle/cleanup.js'
import type {RunResult} from '../pipeline/result.js'
import {fallbackPolicy, resolveBranchPolicy, type BranchPolicy} from '../policy/branch-policy.js'
import type {PolicyConfig} from '../policy/schema.js'

/** What the hook asks of the check service (a subset of its options). */
export interface HookCheckOptions {
  cwd: string
  phases: PhaseId[]
  /** Restricts file-local checks to these repository-relative files. */
  files?: string[]
  skip?: string[]
  output: 'silent'
  cleanup: CleanupStack
  terminal: Terminal
}

export interface HookRunOptions {
  git: GitRepository
  remote: string
  url: string
  /** git's ref lines; undefined when stdin is a terminal. */
  input: string | undefined
  /** The CICD_SKIP environment variable. */
  skipEnv: string | undefined
  check: (options: HookCheckOptions) => Promise<RunResult>
  /** The policy configured in a checked-out tree (undefined: the built-in rules). */
  loadPolicy: (root: string) => Promise<PolicyConfig | undefined>
  /** Where temporary worktrees go (os.tmpdir()). */
  tempDir: string
  /** How the user runs cicd, for the line that reproduces a failure. */
  bin: string
  /** Content already passed (the verdict cache); without it every push is checked. */
  verdicts?: VerdictStore
  /** The fast path: a ref that would need checking throws VerdictMiss instead (before any worktree exists). */
  onlyKnownVerdicts?: boolean
  cicdVersion: string
  cleanup: CleanupStack
  terminal: Terminal
}

export type RefStatus = 'passed' | 'failed' | 'refused' | 'unchecked'

export interface RefVerdict {
  update: RefUpdate
  status: RefStatus
  /** Why it was not checked, or the policy refusal. */
  reason?: string
  policy?: BranchPolicy
  /** The files file-local checks were limited to; absent when the whole tree was checked. */
  files?: string[]
  commits?: number
  result?: RunResult
}

export interface HookRunResult {
  exitCode: number
  refs: RefVerdict[]
}

/** The fast path met a ref it cannot answer from the verdict cache: the full command takes over. */
export class VerdictMiss extends Error {
  constructor() {
    super('not in the verdict cache')
  }
}

const MAX_FINDINGS_SHOWN = 20

const short = (sha: string) => sha.slice(0, 10)

const shellQuote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`)

/** A command that replays one ref line through the hook, touching nothing: the exact check that failed. */
function reproduceCommand(options: Pick<HookRunOptions, 'bin' | 'remote' | 'url'>, line: RefUpdate | string): string {
  const text = typeof line === 'string' ? line : formatRefLine(line)
  return `printf '%s\\n' ${shellQuote(text)} | ${options.bin} hooks run pre-push ${shellQuote(options.remote)} ${shellQuote(options.url)}`
}

/** What a ref update brings: the commits and files the remote does not have yet, and notes on how that was worked out. */
interface PushRange {
  tip: string
  commits: string[]
  /** Changed files present in the tip; undefined when they cannot be known (check the whole tree). */
  changed: string[] | undefined
  notes: string[]
}

async function pushRange(git: GitRepository, update: RefUpdate, remote: string): Promise<PushRange> {
  const tip = await git.commitOf(update.localSha)
  if (!tip) {
    if (!(await git.hasCommits())) {
      throw new UsageError('This repository has no commits yet, so there is nothing to push.', [
        'Commit first (git add … && git commit), then push',
      ])
    }
    throw new UsageError(`The commit ${update.localSha} that git says it is pushing to ${update.remoteRef} is not in this repository.`, [
      'cicd hooks run pre-push reads the ref lines git writes: let git run it (git push), or replay a line with a sha from git log',
    ])
  }
  const notes: string[] = []
  if (!isZeroSha(update.remoteSha)) {
    const base = await git.commitOf(update.remoteSha)
    if (base) return {tip, commits: await git.newCommits(tip, base), changed: await git.changedFiles(base, tip), notes}
    notes.push(
      `${remote}'s ${update.remoteRef} is at ${short(update.remoteSha)}, which this repository does not have (git fetch ${remote} brings it): checking the commits on no remote-tracking ref`,
    )
  }
  // Independent questions, asked at once: a hook's time is mostly waiting for git.
  const [commits, trackingRefs, shallow] = await Promise.all([git.newCommits(tip), git.remoteTrackingRefs(), git.isShallow()])
  if (trackingRefs.length === 0) {
    notes.push(`no remote-tracking refs here (a first push, or never fetched): checking the whole tree`)
    return {tip, commits, changed: undefined, notes}
  }
  if (commits.length > 0 && shallow) {
    const boundary = await git.shallowCommits()
    if (commits.some((commit) => boundary.has(commit))) {
      notes.push('shallow clone: history before the clone is missing, so what changed is unknown; checking the whole tree (git fetch --unshallow checks only the change)')
      return {tip, commits, changed: undefined, notes}
    }
  }
  return {tip, commits, changed: await git.filesTouched(tip), notes}
}

function describeRef(update: RefUpdate, range: PushRange): string {
  const destination = destinationOf(update.remoteRef)
  const target = `${destination.kind === 'other' ? update.remoteRef : destination.name}`
  const from = update.localRef === 'HEAD' ? `detached HEAD ${short(update.localSha)}` : update.localRef.replace(/^refs\/(heads|tags)\//, '')
  const kind = isZeroSha(update.remoteSha) ? `new ${destination.kind === 'tag' ? 'tag' : destination.kind === 'branch' ? 'branch' : 'ref'}` : 'update'
  const commits = `, ${range.commits.length} new commit${range.commits.length === 1 ? '' : 's'}`
  return `${from} → ${target} (${kind}${commits})`
}

function renderFindings(findings: Finding[], terminal: Terminal): void {
  for (const finding of findings.slice(0, MAX_FINDINGS_SHOWN)) {
    const where = finding.line > 0 ? `${finding.file}:${finding.line}:${finding.column}` : finding.file
    terminal.error(`      ${where}  ${finding.rule}  ${finding.message}`)
  }
  if (findings.length > MAX_FINDINGS_SHOWN) terminal.error(`      … and ${findings.length - MAX_FINDINGS_SHOWN} more`)
}

/** Each check of a hook's run, with the findings of those that failed or warned (stderr). */
export function renderResult(result: RunResult, terminal: Terminal): void {
  const {color} = terminal
  for (const check of result.phases.flatMap((phase) => phase.checks)) {
    const seconds = `${(check.durationMs / 1000).toFixed(1)} s`
    const count = `${check.findings.length} finding${check.findings.length === 1 ? '' : 's'}`
    if (check.status === 'passed') terminal.error(`    ${color.green('✔')} ${check.id} (${seconds})`)
    else if (check.status === 'skipped') terminal.error(`    ${color.dim('-')} ${check.id}: skipped${check.reason ? ` (${check.reason})` : ''}`)
    else if (check.status === 'warned') terminal.error(`    ${color.yellow('!')} ${check.id}: ${count}, not blocking (${seconds})`)
    else if (check.status === 'error') terminal.error(`    ${color.red('✖')} ${check.id}: could not run${check.reason ? `: ${check.reason}` : ''}`)
    else terminal.error(`    ${color.red('✖')} ${check.id}: ${count}${check.score === undefined ? '' : `, score ${check.score}`} (${seconds})`)
    if (check.status === 'failed' || check.status === 'warned') renderFindings(check.findings, terminal)
  }
}

export async function runPrePush(options: HookRunOptions): Promise<HookRunResult> {
  const {git, terminal} = options
  const {color} = terminal
  if (options.input === undefined) {
    throw new UsageError('cicd hooks run pre-push reads the refs being pushed from stdin, as git writes them, and stdin is a terminal.', [
      'Let git run it: cicd hooks install, then git push',
      'To check your working tree instead: cicd check',
      `To replay a push: ${reproduceCommand(options, '<local ref> <local sha> <remote ref> <remote sha>')}`,
    ])
  }
  const updates = parseRefLines(options.input)
  if (updates.length === 0) {
    terminal.error('cicd pre-push: git named no refs on stdin, so nothing is being pushed and there is nothing to check.')
    return {exitCode: ExitCode.ok, refs: []}
  }
  await git.topLevel().catch((error: unknown) => {
    throw new UsageError('cicd hooks run pre-push must run inside the working tree git is pushing from.', ['Let git run it: cicd hooks install, then git push'], error)
  })
  const skip = parseSkip(options.skipEnv)
  if (skip.all) {
    terminal.error(`cicd pre-push: CICD_SKIP=${options.skipEnv}: pushing without checks.`)
    return {exitCode: ExitCode.ok, refs: updates.map((update) => ({update, status: 'unchecked', reason: 'CICD_SKIP'}))}
  }

  terminal.error(`cicd pre-push → ${options.remote} (${options.url})${skip.checks.length > 0 ? `, skipping ${skip.checks.join(', ')} (CICD_SKIP)` : ''}`)
  const trees = new Map<string, Promise<string>>()
  const releases: (() => Promise<void>)[] = []
  const materialise = (tip: string) => {
    let tree = trees.get(tip)
    if (!tree) {
      tree = checkoutTree(options, tip, releases)
      trees.set(tip, tree)
    }
    return tree
  }

  const verdicts: RefVerdict[] = []
  try {
    for (const update of updates) {
      if (isZeroSha(update.localSha)) {
        terminal.error(`  ${color.dim('-')} ${update.remoteRef}: deleted on ${options.remote}; nothing to check`)
        verdicts.push({update, status: 'unchecked', reason: 'deleted'})
        continue
      }
      const range = await pushRange(git, update, options.remote)
      terminal.error(`  ${color.bold('●')} ${describeRef(update, range)}`)
      for (const note of range.notes) terminal.error(`    note: ${note}`)
      if (range.commits.length === 0) {
        terminal.error(`    ${color.dim('-')} every commit is already on a remote-tracking ref; nothing new to check`)
        verdicts.push({update, status: 'unchecked', reason: 'nothing new'})
        continue
      }
      // The same tree to the same destination with the same scope: the policy and the files checked are the same.
      const key: VerdictKey = {tree: await git.treeOf(range.tip), destination: update.remoteRef, files: range.changed, skip: skip.checks, cicdVersion: options.cicdVersion}
      const passedAt = await options.verdicts?.passedAt(key).catch(() => undefined)
      if (passedAt) {
        terminal.error(`    ${color.green('passed')}: this exact content (tree ${short(key.tree)}) passed at ${passedAt} with the same tools and settings; not checked again`)
        verdicts.push({update, status: 'passed', reason: 'already passed', commits: range.commits.length})
        continue
      }
      if (options.onlyKnownVerdicts) throw new VerdictMiss()
      const verdict = await checkRef(options, update, range, await materialise(range.tip), skip.checks)
      if (verdict.status === 'passed' && verdict.result) await rememberPass(options, key, verdict.result)
      verdicts.push(verdict)
    }
  } finally {
    for (const release of releases) await release()
  }

  const blocked = verdicts.filter((verdict) => verdict.status === 'failed' || verdict.status === 'refused')
  const exitCode = Math.max(ExitCode.ok, ...verdicts.map((verdict) => (verdict.status === 'refused' ? ExitCode.checkFailed : (verdict.result?.exitCode ?? 0))))
  if (blocked.length > 0) {
    terminal.error(color.red(`cicd pre-push: push blocked (${blocked.map((verdict) => verdict.update.remoteRef).join(', ')}).`))
    terminal.error(`  Push once without checking: git push --no-verify (or CICD_SKIP=1 git push)`)
  } else {
    terminal.error(color.green('cicd pre-push: ok'))
  }
  return {exitCode, refs: verdicts}
}

/** A verdict that cannot be written (a read-only or full .git) costs the next run a check, never this one. */
export async function rememberPass(options: Pick<HookRunOptions, 'verdicts' | 'terminal'>, key: VerdictKey, result: RunResult): Promise<void> {
  try {
    await options.verdicts?.remember(key, result)
  } catch (error) {
    options.terminal.error(`    warning: could not remember this pass, so the same content will be checked again (${(error as Error).message})`)
  }
}

/** The tree of `tip` on disk: the working tree when it is clean and at `tip`, else a temporary worktree. */
async function checkoutTree(options: HookRunOptions, tip: string, releases: (() => Promise<void>)[]): Promise<string> {
  const {git} = options
  if ((await git.head()) === tip && (await git.isClean())) return git.topLevel()
  return temporaryWorktree(options, 'pre-push', tip, releases)
}

/** `tip` checked out into a new detached worktree under tempDir; `releases` gets its removal. */
export async function temporaryWorktree(
  options: Pick<HookRunOptions, 'git' | 'tempDir' | 'cleanup'>,
  hook: string,
  tip: string,
  releases: (() => Promise<void>)[],
): Promise<string> {
  const directory = path.join(options.tempDir, `cicd-${hook}-${short(tip)}-${randomUUID().slice(0, 8)}`)
  // Registered before it exists, so Ctrl-C during the checkout removes whatever part of it was made.
  releases.push(options.cleanup.add(`temporary worktree ${directory}`, () => options.git.removeWorktree(directory)))
  await options.git.addDetachedWorktree(directory, tip)
  return directory
}

async function checkRef(options: HookRunOptions, update: RefUpdate, range: PushRange, root: string, skip: string[]): Promise<RefVerdict> {
  const {terminal} = options
  const {color} = terminal
  const destination = destinationOf(update.remoteRef)
  const configured = await options.loadPolicy(root)
  const policy = destination.kind === 'branch' ? resolveBranchPolicy(destination.name, configured) : fallbackPolicy(configured)
  const ruleName = destination.kind === 'branch' ? `rule ${policy.rule}` : `rule ${policy.rule} (not a branch)`

  if (policy.refuseDirectPush && destination.kind === 'branch') {
    const reason = `the branch policy (${ruleName}) refuses direct pushes to ${destination.name}`
    terminal.error(`    ${color.red('✖')} refused: ${reason}.`)
    terminal.error(`      Push your commits to a feature/* branch and open a pull request into ${destination.name}.`)
    return {update, status: 'refused', reason, policy, commits: range.commits.length}
  }

  const files = policy.scope === 'changed' && range.changed !== undefined ? range.changed.filter((file) => file.endsWith('.py')) : undefined
  const what = files === undefined ? 'the whole tree' : `${files.length} changed Python file${files.length === 1 ? '' : 's'}`
  terminal.error(`    ${ruleName}: ${policy.phases.join(', ')} on ${what} of ${short(range.tip)}`)
  if (files !== undefined && files.length === 0) {
    terminal.error(`    ${color.dim('-')} the new commits change no Python file that is still there; nothing to check`)
    return {update, status: 'unchecked', reason: 'no Python file changed', policy, files, commits: range.commits.length}
  }

  const result = await options.check({
    cwd: root,
    phases: policy.phases,
    ...(files === undefined ? {} : {files}),
    ...(skip.length > 0 ? {skip} : {}),
    output: 'silent',
    cleanup: options.cleanup,
    terminal,
  })
  renderResult(result, terminal)
  const seconds = `${(result.durationMs / 1000).toFixed(1)} s`
  if (result.exitCode === 0) {
    terminal.error(`    ${color.green('passed')} (${seconds})`)
    return {update, status: 'passed', policy, ...(files ? {files} : {}), commits: range.commits.length, result}
  }
  terminal.error(`    ${color.red('failed')} (${seconds}): the push is blocked.`)
  terminal.error(`    Reproduce: ${reproduceCommand(options, update)}`)
  return {update, status: 'failed', policy, ...(files ? {files} : {}), commits: range.commits.length, result}
}
