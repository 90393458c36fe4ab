// The human summary of a run (stdout): findings grouped by file, then one table line per check.
import type {ChalkInstance} from 'chalk'

import type {CheckStatus, RunResult} from './result.js'

const MAX_FINDINGS_SHOWN = 200

export function renderSummary(result: RunResult, color: ChalkInstance, options: {quiet?: boolean} = {}): string {
  const lines: string[] = []
  const paint: Record<CheckStatus, (s: string) => string> = {
    passed: color.green,
    failed: color.red,
    warned: color.yellow,
    error: color.red,
    skipped: color.dim,
  }
  const checks = result.phases.flatMap((p) => p.checks)
  const findings = checks.flatMap((c) => c.findings.map((f) => ({...f, status: c.status})))
  if (!options.quiet && findings.length > 0) {
    const byFile = new Map<string, typeof findings>()
    for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f])
    let shown = 0
    for (const [file, list] of byFile) {
      if (shown >= MAX_FINDINGS_SHOWN) break
      lines.push(color.bold(file || '(repository)'))
      for (const f of list) {
        if (shown++ >= MAX_FINDINGS_SHOWN) break
        const where = f.line > 0 ? `${f.line}:${f.column > 0 ? f.column : 1}` : '-'
        lines.push(`  ${where.padEnd(9)} ${paint[f.status](f.severity.padEnd(7))} ${f.tool} ${color.cyan(f.rule)} ${f.message}`)
      }
    }
    if (findings.length > MAX_FINDINGS_SHOWN) lines.push(color.dim(`  … and ${findings.length - MAX_FINDINGS_SHOWN} more (--json or --report for all)`))
    lines.push('')
  }
  const width = Math.max(5, ...checks.map((c) => c.id.length))
  lines.push(color.bold(`${'check'.padEnd(width)}  ${'status'.padEnd(8)} ${'findings'.padStart(8)}  ${'time'.padStart(7)}  note`))
  for (const check of checks) {
    const note = [check.score === undefined ? '' : `score ${check.score.toFixed(2)}`, check.cached ? 'cached' : '', check.reason ?? '']
      .filter(Boolean)
      .join('; ')
    lines.push(
      `${check.id.padEnd(width)}  ${paint[check.status](check.status.padEnd(8))} ${String(check.findings.length).padStart(8)}  ${`${(check.durationMs / 1000).toFixed(1)}s`.padStart(7)}  ${note}`,
    )
  }
  const verdict = result.ok ? color.green('passed') : color.red(`failed (exit ${result.exitCode})`)
  lines.push('', `${verdict} in ${(result.durationMs / 1000).toFixed(1)}s on the ${result.runner} runner`)
  return lines.join('\n')
}
