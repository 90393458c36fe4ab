// `cicd verify --env`: the environment's post-deploy checks, run once, or repeatedly over a bounded window
// with alerts (--watch). With a state database, every http check's result is recorded as a health probe
// (availability on the metrics dashboard), docker checks find the live release's containers, and alert
// de-duplication is shared with every other machine watching the environment. Without one, verify still runs.
import type {Pg} from '../adapters/postgres.js'
import type {OutputMode} from '../adapters/task-list.js'
import type {DedupStore} from '../alerts/route.js'
import type {AlertsConfig} from '../alerts/schema.js'
import type {EnvironmentConfig, EnvironmentsConfig} from '../config/environments-schema.js'
import type {DeployEngine} from '../adapters/deploy-engine.js'
import {environmentSecrets} from '../deploy/context.js'
import {selectEnvironment} from '../deploy/select.js'
import {createRedactor, type Redactor} from '../lifecycle/redact.js'
import type {CleanupStack} from '../lifecycle/cleanup.js'
import {createProbeContext} from '../verify/probe-context.js'
import {PROBES} from '../verify/probes/index.js'
import {runSuite, type VerifyReport} from '../verify/run-suite.js'
import {sleepUnlessAborted, type RunCheckOptions} from '../verify/run-check.js'
import {selectChecks, type SuiteRequest} from '../verify/select.js'
import type {CheckResult, ProbeContext} from '../verify/types.js'
import {requireReferences} from '../verify/variables.js'
import {watch, type WatchRound, type WatchSummary} from '../verify/watch.js'

export interface VerifyOptions {
  cwd: string
  environment: string
  suite: SuiteRequest
  force: boolean
  hostEnv: Record<string, string | undefined>
  /** Progress and warnings (stderr). */
  log(line: string): void
  cleanup: CleanupStack
  mode: OutputMode
  signal?: AbortSignal
  /** --watch: repeat for this long, every intervalMs. */
  watch?: {windowMs: number; intervalMs?: number; onRound?(round: WatchRound): void}
}

export type VerifyOutcome = {watch: false; report: VerifyReport} | {watch: true; summary: WatchSummary; intervalMs: number}

interface StateAccess {
  db: Pg
  namespace: string
  liveRelease?: number
}

async function openState(env: EnvironmentConfig, environments: EnvironmentsConfig, options: VerifyOptions, redact: Redactor): Promise<StateAccess | undefined> {
  if (!env.stateDatabase) return undefined
  const [{openMetricsDatabase}, {migrateState}, {StateStore}] = await Promise.all([import('../ledger/state-database.js'), import('../state/migrations.js'), import('../state/store.js')])
  let db: Pg | undefined
  try {
    db = await openMetricsDatabase({environments, environment: env.name, hostEnv: options.hostEnv})
    if (!db) return undefined
    const opened = db
    options.cleanup.add(`state database of ${env.name}`, () => opened.close())
    await migrateState(db)
    const store = new StateStore(db, env.name, redact)
    return {db, namespace: await store.namespace(), liveRelease: (await store.liveRelease())?.id}
  } catch (error) {
    options.log(redact(`warning: the state database of ${env.name} is unreachable (${(error as Error).message}): verifying without it; nothing is recorded and docker checks match containers by environment and service only`))
    return undefined
  }
}

function lazyEngines(env: EnvironmentConfig, state: StateAccess | undefined): ProbeContext['engines'] {
  let engines: Promise<DeployEngine[]> | undefined
  return async () => {
    engines ??= import('../adapters/deploy-engine.js').then(({connectEngine}) => Promise.all(env.engines.map((endpoint) => connectEngine(endpoint))))
    return {engines: await engines, namespace: state?.namespace, liveRelease: state?.liveRelease}
  }
}

/** Health probes for the availability metric: the http checks' answers. */
async function recordProbes(state: StateAccess | undefined, environment: string, results: CheckResult[], log: (line: string) => void): Promise<void> {
  if (!state) return
  const {insertProbe} = await import('../ledger/db-ledger.js')
  try {
    for (const result of results.filter((r) => r.kind === 'http')) {
      await insertProbe(state.db, {environment, ok: result.ok, latencyMs: result.measurements.latencyMs, target: result.name})
    }
  } catch (error) {
    log(`warning: could not record the health probes: ${(error as Error).message}`)
  }
}

async function alerterFor(env: EnvironmentConfig, alerts: AlertsConfig, state: StateAccess | undefined, redact: Redactor, options: VerifyOptions) {
  const [{createAlerter, memoryDedupStore}, {pgDedupStore}, {createNotifier}, {createHttp}, {createMailer}] = await Promise.all([
    import('../alerts/route.js'),
    import('../alerts/pg-dedup.js'),
    import('../notify/notifier.js'),
    import('../adapters/http.js'),
    import('../adapters/mailer.js'),
  ])
  const dedup: DedupStore = state ? pgDedupStore(state.db) : memoryDedupStore()
  const http = createHttp()
  const mailer = createMailer()
  return createAlerter({
    routes: env.notifications.routes,
    config: alerts,
    dedup,
    notifier: (routes) => createNotifier({routes, http, mailer, redact, hostEnv: options.hostEnv, warn: options.log}),
    now: Date.now,
  })
}

export async function verify(options: VerifyOptions): Promise<VerifyOutcome> {
  const {loadConfig, locateProjectRoot} = await import('../config/load.js')
  const root = await locateProjectRoot(options.cwd)
  const {config, file} = await loadConfig({root})
  const environments = config.environments ?? {}
  const env = selectEnvironment(environments, options.environment, file)
  const selection = selectChecks(env, options.suite, {force: options.force})
  const redact = createRedactor(environmentSecrets(env, options.hostEnv))
  const state = await openState(env, environments, options, redact)
  const context = createProbeContext({env, hostEnv: options.hostEnv, projectRoot: root, engines: lazyEngines(env, state)})
  requireReferences(env, selection.checks, context.resolve)
  for (const note of selection.notes) options.log(`note: ${note}`)

  const run: RunCheckOptions = {probes: PROBES, context, redact, signal: options.signal}
  const runRound = async (mode: OutputMode) => {
    const report = await runSuite(selection.checks, {...run, environment: env.name, suites: selection.suites, notes: selection.notes, mode})
    await recordProbes(state, env.name, report.checks, options.log)
    return report
  }
  if (!options.watch) return {watch: false, report: await runRound(options.mode)}

  const intervalMs = options.watch.intervalMs ?? env.verify.watch.intervalSeconds * 1000
  // The watch judges the error rate of its own window: a first, silent scrape of the counters makes every
  // round measure the requests since the previous one, not everything since the service started.
  const counters = selection.checks.filter((check) => check.kind === 'error-rate' && check.metrics)
  if (counters.length > 0) await runSuite(counters, {...run, environment: env.name, suites: selection.suites, mode: 'silent'})
  const summary = await watch({
    environment: env.name,
    windowMs: options.watch.windowMs,
    intervalMs,
    limits: env.verify.watch,
    // The task list would redraw every round; a watch logs one line per round instead.
    runRound: () => runRound('silent'),
    alerter: await alerterFor(env, config.alerts, state, redact, options),
    now: Date.now,
    sleep: sleepUnlessAborted,
    signal: options.signal,
    onRound: options.watch.onRound,
  })
  return {watch: true, summary, intervalMs}
}
