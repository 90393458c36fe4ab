// The dashboard's metrics, computed from cicd's own records for one environment and one window, each with
// its target and its trend against the window before. The definitions (docs/metrics.md says the same):
// - builds are the ledger's runs from the configured places (CI by default) that started in the window;
//   build success rate = passed builds / builds; average build time = their mean duration;
// - a deployment is a release of the environment that finished deploying (verified, later rolled back, or
//   failed); it happened when its deploy finished. Deployment frequency counts the successful ones (verified
//   or rolled back later), per 30 days; deployment success rate = successful / deployments;
// - lead time = deployment finish minus commit time, for each commit between the previous successful
//   deployment and this one, over the window's successful deployments: the median;
// - change failure rate = distinct deployments that were rolled back or are linked to an incident, divided by
//   deployments. An incident is linked through its rollback run (the release it rolled back), else to the
//   release live when it opened. Counted per deployment, so an incident updated many times, or two incidents
//   about one deployment, count once; other environments' records never reach this function;
// - time to restore = from the failure's start (the earliest linked incident, else the rollback's start,
//   else the failed deployment) to the next verified release (a succeeded rollback, or a later successful
//   deployment), averaged over the failures that started in the window and were restored;
// - availability = passed health probes / health probes; coverage and code quality = the newest build's
//   (coverage percent, pylint score); security score = passed security gates / evaluated gates over builds.
import type {LedgerEntry} from '../ledger/entry.js'
import type {DeploymentRecord, MetricsInput} from './records.js'
import type {MetricTargets} from './schema.js'
import {inWindow, type Window} from './window.js'

export type MetricId = keyof MetricTargets
export type MetricGroup = 'Build' | 'Deployment' | 'Quality' | 'Performance'
export type Comparator = '>' | '<' | '>=' | '<='

export interface MetricValue {
  id: MetricId
  group: MetricGroup
  label: string
  unit: '%' | 'min' | '/mo' | 'h' | ''
  value: number | null
  target: number
  comparator: Comparator
  /** null when there is no value. */
  met: boolean | null
  previous: number | null
  trend: 'up' | 'down' | 'flat' | null
  /** Whether the trend is an improvement (null without a trend or when flat). */
  improving: boolean | null
  /** What the value was computed from, or why there is none. */
  basis: string
}

interface Definition {
  id: MetricId
  group: MetricGroup
  label: string
  unit: MetricValue['unit']
  comparator: Comparator
}

export const DEFINITIONS: Definition[] = [
  {id: 'buildSuccessRate', group: 'Build', label: 'Success Rate', unit: '%', comparator: '>'},
  {id: 'avgBuildMinutes', group: 'Build', label: 'Avg Build Time', unit: 'min', comparator: '<'},
  {id: 'deploymentsPerMonth', group: 'Deployment', label: 'Frequency', unit: '/mo', comparator: '>='},
  {id: 'leadTimeHours', group: 'Deployment', label: 'Lead Time', unit: 'h', comparator: '<='},
  {id: 'deploymentSuccessRate', group: 'Deployment', label: 'Success Rate', unit: '%', comparator: '>'},
  {id: 'coverage', group: 'Quality', label: 'Test Coverage', unit: '%', comparator: '>'},
  {id: 'codeQuality', group: 'Quality', label: 'Code Quality', unit: '', comparator: '>'},
  {id: 'securityScore', group: 'Quality', label: 'Security Score', unit: '%', comparator: '>'},
  {id: 'mttrMinutes', group: 'Performance', label: 'MTTR', unit: 'min', comparator: '<'},
  {id: 'changeFailureRate', group: 'Performance', label: 'Change Fail Rate', unit: '%', comparator: '<'},
  {id: 'availability', group: 'Performance', label: 'Availability', unit: '%', comparator: '>'},
]

const MONTH_MS = 30 * 86_400_000

export interface WindowCounts {
  builds: number
  failedBuilds: number
  deployments: number
  successfulDeployments: number
  failedChanges: number
  failures: number
  unrestored: number
  probes: number
}

interface Raw {
  values: Record<MetricId, {value: number | null; basis: string}>
  counts: WindowCounts
}

const isSuccessful = (d: DeploymentRecord) => d.status === 'verified' || d.status === 'rolled-back'
/** When a deployment happened: its deploy's finish (for one that succeeded), else its last status change. */
export const deployedAt = (d: DeploymentRecord) => (isSuccessful(d) ? (d.deployedAt ?? d.finishedAt ?? d.createdAt) : (d.finishedAt ?? d.createdAt))

const percent = (part: number, whole: number) => (whole === 0 ? null : (100 * part) / whole)
const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length)
export function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export function buildsIn(runs: LedgerEntry[], window: Window, where: string[]): LedgerEntry[] {
  return runs.filter((run) => where.includes(run.where) && inWindow(Date.parse(run.startedAt), window)).sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))
}

/** The failures of the environment, one per deployment: when each started and when service was restored. */
export function failuresOf(input: MetricsInput): {deploymentId: number; start: number; restoredAt: number | null}[] {
  const attempted = input.deployments.filter((d) => d.status !== 'deploying')
  const successful = attempted.filter(isSuccessful)
  const starts = new Map<number, number>()
  const earliest = (id: number, at: number) => starts.set(id, Math.min(starts.get(id) ?? Infinity, at))
  const rollbackOf = new Map(input.rollbacks.map((r) => [r.id, r]))
  const incidentStarts = new Map<number, number>()
  for (const incident of input.incidents) {
    const viaRun = incident.runId === null ? undefined : rollbackOf.get(incident.runId)?.currentId
    const linked = viaRun ?? liveAt(successful, incident.openedAt)?.id
    if (linked !== undefined && linked !== null) incidentStarts.set(linked, Math.min(incidentStarts.get(linked) ?? Infinity, incident.openedAt))
  }
  for (const [id, at] of incidentStarts) earliest(id, at)
  for (const rollback of input.rollbacks) {
    if (rollback.currentId !== null && !incidentStarts.has(rollback.currentId)) earliest(rollback.currentId, rollback.startedAt)
  }
  const known = new Map(attempted.map((d) => [d.id, d]))
  return [...starts]
    .filter(([id]) => known.has(id))
    .map(([id, start]) => {
      const restores = [
        ...input.rollbacks.filter((r) => r.currentId === id && r.status === 'succeeded' && r.finishedAt !== null && r.finishedAt >= start).map((r) => r.finishedAt as number),
        ...successful.filter((d) => d.id > id && deployedAt(d) >= start).map(deployedAt),
      ]
      return {deploymentId: id, start, restoredAt: restores.length === 0 ? null : Math.min(...restores)}
    })
}

function liveAt(successful: DeploymentRecord[], at: number): DeploymentRecord | undefined {
  return successful.filter((d) => deployedAt(d) <= at).sort((a, b) => deployedAt(b) - deployedAt(a) || b.id - a.id)[0]
}

export function computeRaw(input: MetricsInput, window: Window, where: string[]): Raw {
  const builds = buildsIn(input.runs, window, where)
  const passed = builds.filter((run) => run.ok).length
  const places = where.join('/')
  const buildBasis = builds.length === 0 ? `no ${places} runs in the window` : `${passed} of ${builds.length} ${places} runs passed`

  const deployments = input.deployments.filter((d) => d.status !== 'deploying' && inWindow(deployedAt(d), window))
  const successful = deployments.filter(isSuccessful)
  const failures = failuresOf(input)
  const failedIds = new Set(failures.map((f) => f.deploymentId))
  const failedChanges = deployments.filter((d) => failedIds.has(d.id))
  const noDeployments = `no deployments to ${input.environment} in the window`

  const leadTimes = successful.flatMap((d) => (input.commitTimes.get(d.id) ?? []).map((commitAt) => deployedAt(d) - commitAt))
  const missingCommits = successful.filter((d) => !input.commitTimes.has(d.id)).length
  const windowFailures = failures.filter((f) => inWindow(f.start, window))
  const restored = windowFailures.filter((f) => f.restoredAt !== null)
  const unrestored = windowFailures.length - restored.length

  const withCoverage = builds.filter((run) => run.coverage !== null).at(-1)
  const withScore = builds.filter((run) => run.pylintScore !== null).at(-1)
  const security = builds.reduce((sum, run) => ({passed: sum.passed + (run.security?.passed ?? 0), total: sum.total + (run.security?.total ?? 0)}), {passed: 0, total: 0})
  const probes = input.probes.filter((p) => inWindow(p.at, window))
  const up = probes.filter((p) => p.ok).length

  const minutes = (ms: number | null) => (ms === null ? null : ms / 60_000)
  return {
    values: {
      buildSuccessRate: {value: percent(passed, builds.length), basis: buildBasis},
      avgBuildMinutes: {value: minutes(mean(builds.map((run) => run.durationMs))), basis: builds.length === 0 ? buildBasis : `mean of ${builds.length} ${places} runs`},
      deploymentsPerMonth: {
        value: deployments.length === 0 && successful.length === 0 ? 0 : (successful.length * MONTH_MS) / (window.end - window.start),
        basis: `${successful.length} successful deployment${successful.length === 1 ? '' : 's'} to ${input.environment} in the window`,
      },
      leadTimeHours: {
        value: leadTimes.length === 0 ? null : (median(leadTimes) as number) / 3_600_000,
        basis:
          successful.length === 0
            ? noDeployments
            : `median of ${leadTimes.length} commit${leadTimes.length === 1 ? '' : 's'}${missingCommits ? `; ${missingCommits} deployment(s) whose version git does not know` : ''}`,
      },
      deploymentSuccessRate: {value: percent(successful.length, deployments.length), basis: deployments.length === 0 ? noDeployments : `${successful.length} of ${deployments.length} deployments`},
      coverage: {value: withCoverage?.coverage ?? null, basis: withCoverage ? `newest build (${withCoverage.startedAt})` : 'no build in the window measured coverage'},
      codeQuality: {value: withScore?.pylintScore ?? null, basis: withScore ? `newest build's pylint score (${withScore.startedAt})` : 'no build in the window ran pylint'},
      securityScore: {
        value: percent(security.passed, security.total),
        basis: security.total === 0 ? 'no build in the window ran the security gates or checks' : `${security.passed} of ${security.total} security gates/checks passed`,
      },
      mttrMinutes: {
        value: minutes(mean(restored.map((f) => (f.restoredAt as number) - f.start))),
        basis:
          windowFailures.length === 0
            ? `no failures of ${input.environment} in the window`
            : `${restored.length} restored failure${restored.length === 1 ? '' : 's'}${unrestored ? `; ${unrestored} not restored yet` : ''}`,
      },
      changeFailureRate: {value: percent(failedChanges.length, deployments.length), basis: deployments.length === 0 ? noDeployments : `${failedChanges.length} of ${deployments.length} deployments failed or were rolled back`},
      availability: {value: percent(up, probes.length), basis: probes.length === 0 ? `no health probes of ${input.environment} recorded in the window` : `${up} of ${probes.length} health probes passed`},
    },
    counts: {
      builds: builds.length,
      failedBuilds: builds.length - passed,
      deployments: deployments.length,
      successfulDeployments: successful.length,
      failedChanges: failedChanges.length,
      failures: windowFailures.length,
      unrestored,
      probes: probes.length,
    },
  }
}

function meets(value: number, comparator: Comparator, target: number): boolean {
  switch (comparator) {
    case '>':
      return value > target
    case '<':
      return value < target
    case '>=':
      return value >= target
    case '<=':
      return value <= target
  }
}

export interface ComputedMetrics {
  metrics: MetricValue[]
  counts: WindowCounts
  previousCounts: WindowCounts
}

export function computeMetrics(input: MetricsInput, windows: {current: Window; previous: Window}, options: {targets: MetricTargets; where: string[]}): ComputedMetrics {
  const current = computeRaw(input, windows.current, options.where)
  const previous = computeRaw(input, windows.previous, options.where)
  const metrics = DEFINITIONS.map((definition): MetricValue => {
    const {value, basis} = current.values[definition.id]
    const before = previous.values[definition.id].value
    const target = options.targets[definition.id]
    const trend = value === null || before === null ? null : value > before ? 'up' : value < before ? 'down' : 'flat'
    const higherIsBetter = definition.comparator === '>' || definition.comparator === '>='
    return {
      ...definition,
      value,
      target,
      met: value === null ? null : meets(value, definition.comparator, target),
      previous: before,
      trend,
      improving: trend === null || trend === 'flat' ? null : (trend === 'up') === higherIsBetter,
      basis,
    }
  })
  return {metrics, counts: current.counts, previousCounts: previous.counts}
}
