// Turns what a check produced into its status, and a whole run into its exit code. The gate decides
// whether findings block (failed) or only warn (warned); a tool that could not give a verdict is an error.
import {ExitCode} from '../errors.js'
import type {Finding} from '../checks/types.js'
import type {Gate} from '../config/types.js'
import type {CheckResult, CheckStatus, PhaseResult} from './result.js'

export interface ScoreGate {
  score: number
  failUnder: number
  gate: Gate
}

export function checkStatus(findings: Finding[], gate: Gate, scoreGate?: ScoreGate): {status: CheckStatus; reason?: string} {
  const statusFor = (g: Gate): CheckStatus => (g === 'block' ? 'failed' : 'warned')
  const verdicts: {status: CheckStatus; reason?: string}[] = []
  if (findings.length > 0) verdicts.push({status: statusFor(gate)})
  if (scoreGate && scoreGate.score < scoreGate.failUnder) {
    verdicts.push({
      status: statusFor(scoreGate.gate),
      reason: `score ${scoreGate.score.toFixed(2)}/10 is under the gate of ${scoreGate.failUnder.toFixed(2)}`,
    })
  }
  if (verdicts.length === 0) return {status: 'passed'}
  const failed = verdicts.find((v) => v.status === 'failed')
  const reason = verdicts.map((v) => v.reason).filter(Boolean).join('; ') || undefined
  return {status: failed ? 'failed' : 'warned', reason}
}

const SEVERITY_ORDER: CheckStatus[] = ['error', 'failed', 'warned', 'passed', 'skipped']

/** The worst status among checks; a phase whose checks were all skipped is skipped. */
export function worstStatus(statuses: CheckStatus[]): CheckStatus {
  if (statuses.length === 0) return 'skipped'
  return SEVERITY_ORDER.find((s) => statuses.includes(s)) ?? 'passed'
}

/** A missing tool is a prerequisite problem (exit 3); failures and crashes exit 1. */
export function runExitCode(phases: PhaseResult[], missingPrerequisite: boolean): number {
  const checks: CheckResult[] = phases.flatMap((p) => p.checks)
  if (missingPrerequisite) return ExitCode.prerequisite
  if (checks.some((c) => c.status === 'failed' || c.status === 'error')) return ExitCode.checkFailed
  return ExitCode.ok
}
