// One line of the run ledger: what a finished `cicd check` leaves for the metrics (start, duration, each
// check's status and duration, coverage, pylint score, findings per severity, security results, branch,
// commit, where it ran). Built from the RunResult, and read back with validation so a damaged line is
// reported instead of trusted.
import {randomUUID} from 'node:crypto'

import type {Severity} from '../checks/types.js'
import type {CheckResult, RunResult} from '../pipeline/result.js'

export type RunPlace = 'local' | 'hook' | 'ci'

export type SeverityCounts = Record<Severity, number>

export interface LedgerEntry {
  v: 1
  /** Unique per run, so a run read from both the file and the database counts once. */
  id: string
  startedAt: string
  durationMs: number
  ok: boolean
  exitCode: number
  where: RunPlace
  branch: string | null
  commit: string | null
  runner: string
  phases: string[]
  checks: {id: string; phase: string; status: string; durationMs: number; cached: boolean; findings: SeverityCounts}[]
  findings: SeverityCounts
  /** Line coverage in percent, when the test phase measured it. */
  coverage: number | null
  pylintScore: number | null
  /** Security results of the run: the gates when they were evaluated, else the security checks. */
  security: {passed: number; total: number; basis: 'gates' | 'checks'} | null
}

export interface RunContext {
  root: string
  branch: string | null | undefined
  commit: string | null | undefined
  where: RunPlace
  /** The repository's git common dir (the file ledger's place), when the caller knows it. */
  commonDir?: string
}

const SECURITY_CHECKS = new Set(['bandit', 'safety', 'pip-audit'])

function countSeverities(checks: {findings: {severity: Severity}[]}[]): SeverityCounts {
  const counts: SeverityCounts = {error: 0, warning: 0, note: 0}
  for (const check of checks) for (const finding of check.findings) counts[finding.severity]++
  return counts
}

/** Coverage as the RunResult carries it: on the run (report data) or on the pytest check. */
function coverageOf(result: RunResult, checks: CheckResult[]): number | null {
  const candidates = [result, ...checks] as {coverage?: {percent?: unknown; summary?: {percent?: unknown}}}[]
  for (const candidate of candidates) {
    const percent = candidate.coverage?.percent ?? candidate.coverage?.summary?.percent
    if (typeof percent === 'number' && Number.isFinite(percent)) return percent
  }
  return null
}

function securityOf(result: RunResult, checks: CheckResult[]): LedgerEntry['security'] {
  const gates = (result as {gates?: {status: string}[]}).gates
  if (Array.isArray(gates)) {
    const evaluated = gates.filter((gate) => ['pass', 'warn', 'block'].includes(gate.status))
    if (evaluated.length > 0) return {passed: evaluated.filter((gate) => gate.status === 'pass').length, total: evaluated.length, basis: 'gates'}
  }
  const ran = checks.filter((check) => (SECURITY_CHECKS.has(check.id) || check.phase === 'scan') && check.status !== 'skipped')
  if (ran.length === 0) return null
  return {passed: ran.filter((check) => check.status === 'passed').length, total: ran.length, basis: 'checks'}
}

export function entryFromRun(result: RunResult, context: RunContext, id: string = randomUUID()): LedgerEntry {
  const checks = result.phases.flatMap((phase) => phase.checks)
  const pylint = checks.find((check) => check.id === 'pylint' && typeof check.score === 'number')
  return {
    v: 1,
    id,
    startedAt: new Date(result.startedAt).toISOString(),
    durationMs: result.durationMs,
    ok: result.ok,
    exitCode: result.exitCode,
    where: context.where,
    branch: context.branch ?? null,
    commit: context.commit ?? null,
    runner: result.runner,
    phases: result.phases.map((phase) => phase.id),
    checks: checks.map((check) => ({
      id: check.id,
      phase: check.phase,
      status: check.status,
      durationMs: check.durationMs,
      cached: check.cached,
      findings: countSeverities([check]),
    })),
    findings: countSeverities(checks),
    coverage: coverageOf(result, checks),
    pylintScore: pylint?.score ?? null,
    security: securityOf(result, checks),
  }
}

const isCount = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0
const isSeverities = (value: unknown): value is SeverityCounts =>
  typeof value === 'object' && value !== null && ['error', 'warning', 'note'].every((key) => isCount((value as Record<string, unknown>)[key]))
const isNumberOrNull = (value: unknown) => value === null || (typeof value === 'number' && Number.isFinite(value))

/** The entry a parsed line holds, or why it is not one. */
export function validateEntry(value: unknown): {ok: true; entry: LedgerEntry} | {ok: false; reason: string} {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {ok: false, reason: 'not a JSON object'}
  const e = value as Record<string, unknown>
  if (e.v !== 1) return {ok: false, reason: `unknown ledger version ${JSON.stringify(e.v)}`}
  const problems: string[] = []
  if (typeof e.id !== 'string' || e.id === '') problems.push('id')
  if (typeof e.startedAt !== 'string' || Number.isNaN(Date.parse(e.startedAt))) problems.push('startedAt')
  if (typeof e.durationMs !== 'number' || !(e.durationMs >= 0)) problems.push('durationMs')
  if (typeof e.ok !== 'boolean') problems.push('ok')
  if (!['local', 'hook', 'ci'].includes(e.where as string)) problems.push('where')
  if (!Array.isArray(e.checks)) problems.push('checks')
  if (!isSeverities(e.findings)) problems.push('findings')
  if (!isNumberOrNull(e.coverage)) problems.push('coverage')
  if (!isNumberOrNull(e.pylintScore)) problems.push('pylintScore')
  if (e.security !== null && !(typeof e.security === 'object' && isCount((e.security as {passed?: unknown}).passed) && isCount((e.security as {total?: unknown}).total))) {
    problems.push('security')
  }
  if (problems.length > 0) return {ok: false, reason: `invalid ${problems.join(', ')}`}
  return {ok: true, entry: value as LedgerEntry}
}
