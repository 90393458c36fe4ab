// The shape of a finished `cicd check` run: what the check service returns, what --json prints and what
// every report writer (JUnit, SARIF, JSON) renders.
import type {TestCounts} from '../checks/pytest.js'
import type {Finding, PhaseId} from '../checks/types.js'
import type {CoverageSummary} from '../coverage/cobertura.js'
import type {GateResult} from '../gates/evaluate.js'
import type {Gate} from '../config/types.js'

/**
 * passed: ran and found nothing that counts; failed: findings (or a score) under a `block` gate;
 * warned: the same under a `warn` gate; error: the tool crashed or could not run; skipped: not run.
 */
export type CheckStatus = 'passed' | 'failed' | 'warned' | 'error' | 'skipped'

export interface CheckResult {
  id: string
  tool: string
  phase: PhaseId
  status: CheckStatus
  cached: boolean
  durationMs: number
  findings: Finding[]
  gate: Gate
  /** The tool path and version that ran. */
  toolPath?: string
  toolVersion?: string
  /** For error and skipped: why. */
  reason?: string
  /** pylint's score out of 10. */
  score?: number
  exitCode?: number
  /** pytest: the totals, and coverage as coverage.py counts it. */
  tests?: TestCounts
  coverage?: CoverageSummary
}

export interface PhaseResult {
  id: PhaseId
  status: CheckStatus
  durationMs: number
  checks: CheckResult[]
}

export interface RunResult {
  ok: boolean
  exitCode: number
  durationMs: number
  runner: string
  /** How long the runner took to get ready: the engine creating and starting the run's container. */
  runnerStartMs?: number
  root: string
  /** ISO-8601. */
  startedAt: string
  phases: PhaseResult[]
  /** The five security gates of the design, evaluated over the run. */
  gates?: GateResult[]
  /** Where this run's report folder is (.cicd/reports/<run-id>). */
  reportDir?: string
  /** Whether the result cache answered and stored (off with --no-cache or cache.enabled = false). */
  resultCache?: 'on' | 'off'
  /** The runner asked for (`runner` names the one used): auto decides by whether an engine answers. */
  runnerChoice?: 'auto' | 'local' | 'container'
  /** A replay (nothing it depends on changed): when the run it repeats started; its report is that run's. */
  replayOf?: string
}
