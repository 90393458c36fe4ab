// The coverage gate: the design documents' "Coverage Report: Must be > 70%" (at least the threshold here,
// as pytest-cov's --cov-fail-under counts it), blocking or warning per configuration.
import type {CoverageSummary} from './cobertura.js'
import {formatPercent} from './cobertura.js'

export interface CoverageGateOptions {
  /** Percent, 0 to 100. */
  threshold: number
  gate: 'block' | 'warn'
}

export interface CoverageVerdict {
  status: 'passed' | 'failed' | 'warned'
  /** Always set: both numbers, so the user sees how far off the gate is. */
  reason: string
}

export function coverageVerdict(summary: CoverageSummary, options: CoverageGateOptions): CoverageVerdict {
  const measured = formatPercent(summary.percent)
  const threshold = `${options.threshold}%`
  const counts = summary.linesValid > 0 ? ` (${summary.linesCovered} of ${summary.linesValid} lines)` : ''
  // Compared at the precision shown, so "69.996%" is not reported as "70.00% is under 70%".
  if (Math.round(summary.percent * 100) >= Math.round(options.threshold * 100)) {
    return {status: 'passed', reason: `coverage ${measured}${counts} meets the ${threshold} threshold`}
  }
  return {
    status: options.gate === 'block' ? 'failed' : 'warned',
    reason: `coverage ${measured}${counts} is under the ${threshold} threshold (test.coverage.threshold)`,
  }
}
