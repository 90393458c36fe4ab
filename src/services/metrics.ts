// `cicd metrics`: reads the run ledger (local file and, when configured, the state database) and one
// environment's deployments, rollbacks, incidents and health probes, computes the dashboard's metrics for the
// window and the one before, and writes the requested outputs (HTML page, Prometheus textfile, Pushgateway).
// An unreachable state database is a warning: the local metrics are still computed.
import path from 'node:path'

import type {Pg} from '../adapters/postgres.js'
import type {EnvironmentsConfig} from '../config/environments-schema.js'
import {UsageError} from '../errors.js'
import type {LedgerEntry} from '../ledger/entry.js'
import type {CorruptLine} from '../ledger/file-ledger.js'
import {computeMetrics, deployedAt} from '../metrics/compute.js'
import type {CommitLog} from '../metrics/commit-times.js'
import type {MetricsInput} from '../metrics/records.js'
import type {MetricsReport} from '../metrics/report.js'
import {metricsSchema} from '../metrics/schema.js'
import {seriesOf} from '../metrics/series.js'
import type {StateRecords} from '../metrics/state-records.js'
import {parseWindow, windowsEndingAt} from '../metrics/window.js'

export interface MetricsOptions {
  cwd: string
  environment?: string
  window?: string
  html?: string
  prometheus?: string
  pushgateway?: string
  hostEnv: Record<string, string | undefined>
  /** The end of the window (tests pin it). */
  now?: number
  commitLog?: CommitLog
}

export interface MetricsOutcome {
  report: MetricsReport
  written: string[]
}

export async function metrics(options: MetricsOptions): Promise<MetricsOutcome> {
  const [{loadConfig, locateProjectRoot}, {openGitRepository}, {ledgerFile, readLedgerFile}] = await Promise.all([
    import('../config/load.js'),
    import('../adapters/git.js'),
    import('../ledger/file-ledger.js'),
  ])
  const root = await locateProjectRoot(options.cwd)
  const {config} = await loadConfig({root})
  const settings = metricsSchema.parse((config as {metrics?: unknown}).metrics)
  const environments = (config as {environments?: EnvironmentsConfig}).environments ?? {}
  const environment = options.environment ?? settings.environment
  if (!(environment in environments) && (options.environment !== undefined || Object.keys(environments).length > 0)) {
    const known = Object.keys(environments)
    throw new UsageError(`Unknown environment "${environment}".`, [
      known.length > 0 ? `Configured environments: ${known.join(', ')}` : 'No environment is configured; without --env, cicd metrics shows the build metrics alone',
    ])
  }
  const windowLabel = options.window ?? settings.window
  const windows = windowsEndingAt(options.now ?? Date.now(), parseWindow(windowLabel))
  const since = new Date(windows.previous.start)
  const warnings: string[] = []

  const commonDir = await openGitRepository(root).commonDir().catch(() => undefined)
  const file = commonDir === undefined ? undefined : ledgerFile(commonDir)
  const local = file ? await readLedgerFile(file) : {entries: [], corrupt: []}
  const corrupt: CorruptLine[] = [...local.corrupt]
  if (local.corrupt.length > 0) {
    warnings.push(`Skipped ${local.corrupt.length} corrupt line${local.corrupt.length === 1 ? '' : 's'} of ${file} (${local.corrupt.map((c) => `line ${c.line}: ${c.reason}`).join('; ')}).`)
  }

  let databaseRuns: LedgerEntry[] = []
  let state: StateRecords = {deployments: [], rollbacks: [], incidents: [], probes: []}
  let stateDatabase: MetricsReport['sources']['stateDatabase'] = 'not configured'
  const {ledgerEnvironment} = await import('../ledger/state-database.js')
  const ledgerEnv = ledgerEnvironment(environments, settings.ledger.environment)
  try {
    const read = await readDatabases({environments, environment, ledgerEnv, since, hostEnv: options.hostEnv})
    if (read) {
      stateDatabase = 'read'
      databaseRuns = read.runs.entries
      corrupt.push(...read.runs.corrupt)
      if (read.runs.corrupt.length > 0) warnings.push(`Skipped ${read.runs.corrupt.length} unreadable run record(s) in the state database.`)
      state = read.state
    }
  } catch (error) {
    stateDatabase = 'unreachable'
    warnings.push(`The state database could not be read (${(error as Error).message}): only the local run ledger is shown; deployment and availability metrics are missing.`)
  }

  // A run recorded both locally (the database was down) and later in the database counts once.
  const runs = [...new Map([...local.entries, ...databaseRuns].map((entry) => [entry.id, entry])).values()]
  const successful = state.deployments.filter((d) => d.status === 'verified' || d.status === 'rolled-back').map((deployment) => ({deployment, at: deployedAt(deployment)}))
  const wanted = new Set(successful.filter(({at}) => at >= windows.previous.start && at < windows.current.end).map(({deployment}) => deployment.id))
  let commitTimes = new Map<number, number[]>()
  if (wanted.size > 0) {
    const {createCommitLog, deploymentCommitTimes} = await import('../metrics/commit-times.js')
    commitTimes = await deploymentCommitTimes(options.commitLog ?? createCommitLog(root), successful, wanted)
  }
  const input: MetricsInput = {environment, runs, ...state, commitTimes}
  const computed = computeMetrics(input, windows, {targets: settings.targets, where: settings.builds.where})
  const report: MetricsReport = {
    environment,
    window: {label: windowLabel, start: new Date(windows.current.start).toISOString(), end: new Date(windows.current.end).toISOString()},
    previousWindow: {start: new Date(windows.previous.start).toISOString(), end: new Date(windows.previous.end).toISOString()},
    empty: runs.length === 0 && state.deployments.length === 0 && state.probes.length === 0,
    ...computed,
    series: seriesOf(input, windows.current, settings.builds.where),
    sources: {ledgerFile: file, localRuns: local.entries.length, databaseRuns: databaseRuns.length, stateDatabase, corrupt},
    warnings,
  }
  return {report, written: await writeOutputs(report, options)}
}

async function readDatabases(options: {
  environments: EnvironmentsConfig
  environment: string
  ledgerEnv: string | undefined
  since: Date
  hostEnv: Record<string, string | undefined>
}): Promise<{runs: {entries: LedgerEntry[]; corrupt: CorruptLine[]}; state: StateRecords} | undefined> {
  const [{openMetricsDatabase}, {readRuns}, {readStateRecords}, {migrateState}] = await Promise.all([
    import('../ledger/state-database.js'),
    import('../ledger/db-ledger.js'),
    import('../metrics/state-records.js'),
    import('../state/migrations.js'),
  ])
  const opened: Pg[] = []
  try {
    const envDb = await openMetricsDatabase({environments: options.environments, environment: options.environment, hostEnv: options.hostEnv})
    if (envDb) opened.push(envDb)
    const sameDb = options.ledgerEnv === undefined || options.environments[options.ledgerEnv]?.stateDatabase?.url === options.environments[options.environment]?.stateDatabase?.url
    const ledgerDb = sameDb ? envDb : await openMetricsDatabase({environments: options.environments, environment: options.ledgerEnv as string, hostEnv: options.hostEnv})
    if (ledgerDb && ledgerDb !== envDb) opened.push(ledgerDb)
    if (!envDb && !ledgerDb) return undefined
    const runs = ledgerDb ? await readRuns(ledgerDb, options.since) : {entries: [], corrupt: []}
    let state: StateRecords = {deployments: [], rollbacks: [], incidents: [], probes: []}
    if (envDb) {
      // A state database no deploy has used yet has no operator tables; creating them is what every operator command does first.
      await migrateState(envDb)
      state = await readStateRecords(envDb, options.environment, options.since)
    }
    return {runs, state}
  } finally {
    await Promise.all(opened.map((db) => db.close()))
  }
}

async function writeOutputs(report: MetricsReport, options: MetricsOptions): Promise<string[]> {
  const written: string[] = []
  const {default: writeFileAtomic} = await import('write-file-atomic')
  const {mkdir} = await import('node:fs/promises')
  const write = async (target: string, text: string) => {
    const file = path.resolve(options.cwd, target)
    await mkdir(path.dirname(file), {recursive: true})
    await writeFileAtomic(file, text)
    written.push(file)
  }
  if (options.html) {
    const {renderHtmlDashboard} = await import('../metrics/html.js')
    await write(options.html, renderHtmlDashboard(report))
  }
  if (options.prometheus || options.pushgateway) {
    const {metricsRegistry} = await import('../metrics/prometheus.js')
    const registry = await metricsRegistry(report)
    // node_exporter reads the textfile directory while cicd writes: the atomic rename keeps it from seeing half a file.
    if (options.prometheus) await write(options.prometheus, await registry.metrics())
    if (options.pushgateway) {
      const {pushMetrics} = await import('../metrics/pushgateway.js')
      await pushMetrics(options.pushgateway, registry, report.environment)
      written.push(options.pushgateway)
    }
  }
  return written
}
