// What a probe (one check kind) receives and returns. The runner (run-check.ts) owns timeouts, retries and
// redaction; a probe makes one attempt, honours the abort signal (closing its sockets, killing its process),
// and describes what it saw as evidence a person can act on: "HTTP 500 in 12 ms", "PONG", "3 rows".
import type {DeployEngine} from '../adapters/deploy-engine.js'
import type {CheckConfig, CheckKind, CheckOf} from './schema.js'

export interface Measurements {
  /** http: time to the full answer. */
  latencyMs?: number
  /** error-rate: the ratio measured, 0..1. */
  errorRate?: number
  /** docker: the highest usage among the containers, percent of their limit. */
  cpuPercent?: number
  memoryPercent?: number
  /** postgres: rows returned. */
  rows?: number
}

export interface ProbeResult {
  ok: boolean
  /** One line: what was observed (never a secret; the runner redacts again anyway). */
  evidence: string
  /** Further lines worth showing, e.g. the failing tests of a pytest suite with their messages. */
  details?: string[]
  measurements?: Measurements
  /**
   * Failed only because a measurement crossed its limit (an answer over its latency budget, an error rate
   * above its threshold, containers over their CPU or memory share), while the service answered: a watch
   * raises a WARNING for it, not a CRITICAL.
   */
  thresholdCrossed?: boolean
}

export interface ProbeContext {
  signal: AbortSignal
  /** The environment's name, for `docker` checks of its services. */
  environment: string
  /** The project root: command and pytest checks run there. */
  projectRoot: string
  /**
   * Variables for command and pytest checks: the environment's `variables` (resolved) and its URLs and DSNs
   * (CICD_ENVIRONMENT, DATABASE_URL, CICD_BASE_URL), on top of the process environment.
   */
  variables: Record<string, string>
  /**
   * Resolves `${VAR}` references against the variables and the process environment. The runner applies it
   * to every string of a check before the probe sees it, so probes receive values, not references.
   */
  resolve(value: string): string
  /** The environment's engines and the installation namespace (from the state database), for docker checks. */
  engines(): Promise<{engines: DeployEngine[]; namespace?: string; liveRelease?: number}>
  /** Per-check memory kept across the runs of a watch (an error-rate check's previous counters). */
  memory: Map<string, unknown>
  /** The environment's application database DSN, resolved, when it has one. */
  databaseUrl?: string
}

export type Probe<K extends CheckKind> = (check: CheckOf<K>, ctx: ProbeContext) => Promise<ProbeResult>

export type ProbeTable = {[K in CheckKind]: Probe<K>}

export interface CheckResult {
  name: string
  kind: CheckKind
  suite: CheckConfig['suite']
  ok: boolean
  evidence: string
  details: string[]
  measurements: Measurements
  attempts: number
  durationMs: number
  /** Set when the last attempt ran out of time. */
  timedOut: boolean
  thresholdCrossed: boolean
}
