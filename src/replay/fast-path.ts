// `cicd check` answered before the CLI framework loads, when nothing it depends on changed since a run the
// result cache answered in full: the same arguments in the same place and environment, the same working
// tree, the same tools (run-memory.ts). The replay prints what that run printed, points the report folder's
// `latest` at its report, and is recorded in the run ledger like any run. Anything else (no memory, a
// change, an error) falls back to the full command; nothing is printed before the replay is certain.
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {invocationKey, replayableInvocation, shareKeyOfStart} from './invocation.js'
import {asReplay, recallRun} from './run-memory.js'

/** The printing side, loaded while git answers. */
async function loadOutput() {
  const [{createTerminal}, {recordRun}, {renderSummary}, {renderJson}, {pointLatest}] = await Promise.all([
    import('../adapters/terminal.js'),
    import('../ledger/record.js'),
    import('../pipeline/summary.js'),
    import('../reports/json.js'),
    import('../reports/latest.js'),
  ])
  return {createTerminal, recordRun, renderSummary, renderJson, pointLatest}
}

/** The exit code of the replayed run, or undefined when the full command must run. */
export async function replayedCheck(argv: string[]): Promise<number | undefined> {
  const started = performance.now()
  const startedAt = new Date().toISOString()
  const packageRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
  // The environment as it is now: the command it may fall back to compares its own with it (shareKeyOfStart).
  const invocation = {argv: [...argv], cwd: process.cwd(), env: {...process.env}, packageRoot}
  let recalled
  let output
  try {
    const {default: ci} = await import('ci-info')
    if (!replayableInvocation(invocation, ci.isCI)) return undefined
    const keying = invocationKey(invocation)
    shareKeyOfStart(invocation, keying)
    const loading = loadOutput()
    const key = await keying
    const remembered = await recallRun(key)
    if (!remembered?.reportDir) return undefined
    output = await loading
    await output.pointLatest(path.dirname(remembered.reportDir), path.basename(remembered.reportDir))
    recalled = {key, remembered}
  } catch {
    return undefined
  }
  const {key, remembered} = recalled
  const json = argv.includes('--json')
  const quiet = argv.includes('--quiet') || argv.includes('-q')
  const terminal = output.createTerminal({json, quiet})
  const result = asReplay(remembered, startedAt, Math.round(performance.now() - started))
  const {branch, head, commonDir} = key.snapshot
  const recording = output.recordRun(result, {root: result.root, branch, commit: head, where: 'local', commonDir}, {warn: (line) => terminal.error(line)})
  terminal.error(`nothing cicd checks changed since the run of ${remembered.startedAt}: its results stand (CICD_RECHECK=1 runs the checks again)`)
  terminal.out(json ? output.renderJson(result) : output.renderSummary(result, terminal.color, {quiet}))
  terminal.error(`report: ${result.reportDir}/index.html`)
  await recording
  return result.exitCode
}
