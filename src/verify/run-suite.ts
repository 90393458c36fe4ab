// Runs the selected checks in parallel on the task list, each reporting its duration and evidence, and
// sums them up: a verify run passes when every check passed.
import {runTaskList, type OutputMode} from '../adapters/task-list.js'
import {formatMs, runCheck, type RunCheckOptions} from './run-check.js'
import type {CheckConfig, Suite} from './schema.js'
import type {CheckResult} from './types.js'

export interface VerifyReport {
  environment: string
  suites: Suite[]
  notes: string[]
  ok: boolean
  durationMs: number
  checks: CheckResult[]
}

export function describeCheck(result: CheckResult): string {
  const retried = result.attempts > 1 ? `, ${result.attempts} attempts` : ''
  return `${result.name} (${result.kind}): ${result.ok ? 'passed' : 'FAILED'} in ${formatMs(result.durationMs)}${retried}: ${result.evidence}`
}

export async function runSuite(
  checks: CheckConfig[],
  options: RunCheckOptions & {environment: string; suites: Suite[]; notes?: string[]; mode: OutputMode},
): Promise<VerifyReport> {
  const now = options.now ?? Date.now
  const started = now()
  const results = await runTaskList(
    checks.map((check) => ({title: `${check.name} (${check.kind}, ${check.suite})`, run: () => runCheck(check, options), describe: describeCheck})),
    options.mode,
  )
  return {environment: options.environment, suites: options.suites, notes: options.notes ?? [], ok: results.every((r) => r.ok), durationMs: now() - started, checks: results}
}

/** The report as lines for stdout: a verdict, then one line per check, failures with their details. */
export function reportLines(report: VerifyReport): string[] {
  const failed = report.checks.filter((c) => !c.ok)
  const lines = [
    `Verify ${report.environment} (${report.suites.join(' + ')}): ${report.checks.length - failed.length} of ${report.checks.length} checks passed in ${formatMs(report.durationMs)}${failed.length ? `; FAILED: ${failed.map((c) => c.name).join(', ')}` : ''}`,
  ]
  const width = Math.max(...report.checks.map((c) => c.name.length))
  for (const check of report.checks) {
    lines.push(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name.padEnd(width)}  ${check.kind.padEnd(10)} ${formatMs(check.durationMs).padStart(7)}  ${check.evidence}`)
    // Details explain a failure; a passing check's (one line per container, say) stay in --json.
    if (!check.ok) for (const detail of check.details) lines.push(`         ${detail}`)
  }
  for (const note of report.notes) lines.push(`  note: ${note}`)
  return lines
}
