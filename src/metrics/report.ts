// The metrics report: what `cicd metrics --json` prints and every renderer (terminal, HTML, Prometheus)
// reads. Built by the metrics service from the records; pure data.
import type {CorruptLine} from '../ledger/file-ledger.js'
import type {MetricValue, WindowCounts} from './compute.js'
import type {Series} from './series.js'

export interface MetricsReport {
  environment: string
  window: {label: string; start: string; end: string}
  previousWindow: {start: string; end: string}
  /** No recorded run, deployment or probe at all: the dashboard explains how to get data instead. */
  empty: boolean
  metrics: MetricValue[]
  counts: WindowCounts
  previousCounts: WindowCounts
  series: Series
  sources: {
    ledgerFile?: string
    localRuns: number
    databaseRuns: number
    stateDatabase: 'read' | 'unreachable' | 'not configured'
    corrupt: CorruptLine[]
  }
  /** Already worded for a person: an unreachable database, skipped ledger lines. */
  warnings: string[]
}

export function noDataHelp(environment: string): string[] {
  const ways: [string, string][] = [
    ['cicd check', 'every run is recorded in the local run ledger (.git/cicd/ledger.jsonl)'],
    ['cicd check --ci', 'in CI, runs go to the state database when an environment has one'],
    [`cicd deploy --env ${environment}`, 'deployments, rollbacks and incidents come from the state database'],
  ]
  const width = Math.max(...ways.map(([command]) => command.length)) + 3
  return ['No data yet: cicd has not recorded any check run, deployment or health probe.', 'To get some:', ...ways.map(([command, what]) => `  ${command.padEnd(width)}${what}`)]
}
