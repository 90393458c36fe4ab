// Everything a deploy or rollback of one environment works with, opened once: the state store and lock,
// the engines, the load balancer, the application database, notifications, the redactor and the clock.
// Services receive a context, so tests can assemble one from fakes.
import os from 'node:os'

import type {AlertsConfig} from '../alerts/schema.js'
import {routedNotifier} from '../alerts/routed-notifier.js'
import type {EnvironmentConfig, NotificationRoute} from '../config/environments-schema.js'
import type {Http} from '../adapters/http.js'
import type {Pg} from '../adapters/postgres.js'
import type {PgTools} from '../adapters/pg-tools.js'
import type {DeployEngine} from '../adapters/deploy-engine.js'
import type {LoadBalancer} from '../adapters/nginx.js'
import {UsageError} from '../errors.js'
import {createRedactor, MissingVariableError, referencedValues, resolveRefs, type Redactor} from '../lifecycle/redact.js'
import type {Notifier} from '../notify/notifier.js'
import {LeaseLock} from '../state/lock.js'
import {migrateState} from '../state/migrations.js'
import {StateStore} from '../state/store.js'
import {checkSecrets} from '../verify/variables.js'

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export interface DeployContext {
  env: EnvironmentConfig
  /** Labels and names this installation's containers (from the state database). */
  namespace: string
  store: StateStore
  lock: LeaseLock
  engines: DeployEngine[]
  balancer?: LoadBalancer
  http: Http
  pgTools: PgTools
  /** The application database, when the environment has one (DSN resolved, secrets included). */
  appDb?: {url: string; connect(): Promise<Pg>}
  notifier: Notifier
  redact: Redactor
  /** A progress line (stderr), already redacted by the caller's terminal wrapper. */
  log(line: string): void
  clock: Clock
  actor: string
  hostEnv: Record<string, string | undefined>
  /** The repository the configuration came from: command and pytest checks run there. */
  projectRoot: string
  /** Aborted on Ctrl-C or SIGTERM: checks in flight stop (their processes with them). */
  signal?: AbortSignal
  close(): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

export function defaultActor(hostEnv: Record<string, string | undefined>): string {
  return hostEnv.CICD_ACTOR ?? hostEnv.USER ?? os.userInfo().username
}

/** Every secret the environment's configuration can reveal: resolved DSNs, webhook URLs, keys, passwords. */
export function environmentSecrets(env: EnvironmentConfig, hostEnv: Record<string, string | undefined>): string[] {
  const written: string[] = []
  const resolvedSafely = (value: string | undefined) => {
    if (value === undefined) return undefined
    try {
      return resolveRefs(value, hostEnv)
    } catch {
      return undefined
    }
  }
  const passwordOf = (url: string | undefined) => {
    try {
      return url ? decodeURIComponent(new URL(url).password) || undefined : undefined
    } catch {
      return undefined
    }
  }
  for (const url of [env.stateDatabase?.url, env.database?.url]) {
    written.push(...[passwordOf(resolvedSafely(url))].filter((s): s is string => Boolean(s)))
  }
  for (const route of env.notifications.routes) {
    if (route.channel === 'slack') written.push(resolvedSafely(route.webhookUrl) ?? '')
    if (route.channel === 'pagerduty') written.push(resolvedSafely(route.routingKey) ?? '')
    if (route.channel === 'webhook') written.push(resolvedSafely(route.url) ?? '', ...Object.values(route.headers).map((v) => resolvedSafely(v) ?? ''))
    if (route.channel === 'email') written.push(resolvedSafely(route.password) ?? '')
  }
  const referenced = referencedValues(
    [...Object.values(env.services).flatMap((s) => Object.values(s.env)), env.stateDatabase?.url ?? '', env.database?.url ?? ''],
    hostEnv,
  )
  return [...written, ...referenced, ...checkSecrets(env, hostEnv)].filter(Boolean)
}

export function resolveOrExplain(value: string, hostEnv: Record<string, string | undefined>, where: string): string {
  try {
    return resolveRefs(value, hostEnv)
  } catch (error) {
    if (error instanceof MissingVariableError) {
      throw new UsageError(`${where} refers to \${${error.variable}}, which is not set`, [`export ${error.variable}=… before running cicd`])
    }
    throw error
  }
}

export interface OpenOptions {
  env: EnvironmentConfig
  hostEnv: Record<string, string | undefined>
  log: (line: string) => void
  clock?: Clock
  actor?: string
  projectRoot?: string
  /** The alert routing (the configuration's `alerts`); without it every route whose minimum level is reached gets everything. */
  alerts?: AlertsConfig
  signal?: AbortSignal
}

/** Opens the real adapters for an environment; the state database is reached (and migrated) here. */
export async function openEnvironment(options: OpenOptions): Promise<DeployContext> {
  const {env, hostEnv} = options
  if (!env.stateDatabase) {
    throw new UsageError(`The environment ${env.name} has no state database, where cicd keeps its releases, lock and journal`, [
      `Add environments.${env.name}.stateDatabase.url (a PostgreSQL DSN, separate from the application database)`,
    ])
  }
  const redact = createRedactor(environmentSecrets(env, hostEnv))
  const stateUrl = resolveOrExplain(env.stateDatabase.url, hostEnv, `environments.${env.name}.stateDatabase.url`)
  const appUrl = env.database ? resolveOrExplain(env.database.url, hostEnv, `environments.${env.name}.database.url`) : undefined

  const [{connectPostgres}, {connectEngine}, {createHttp}, {createPgTools}, {createNginxBalancer}, {createMailer}, {createNotifier}] = await Promise.all([
    import('../adapters/postgres.js'),
    import('../adapters/deploy-engine.js'),
    import('../adapters/http.js'),
    import('../adapters/pg-tools.js'),
    import('../adapters/nginx.js'),
    import('../adapters/mailer.js'),
    import('../notify/notifier.js'),
  ])
  const db = await connectPostgres({url: stateUrl, purpose: `state database of ${env.name}`})
  try {
    await migrateState(db)
  } catch (error) {
    await db.close()
    throw error
  }
  const store = new StateStore(db, env.name, redact)
  const namespace = await store.namespace()
  const http = createHttp()
  const mailer = createMailer()
  const plainNotifier = (routes: NotificationRoute[]) => createNotifier({routes, http, mailer, redact, hostEnv, warn: (line) => options.log(line)})
  const notifierFor = (routes: NotificationRoute[]) => (options.alerts ? routedNotifier(routes, options.alerts, plainNotifier) : plainNotifier(routes))
  const engines = await Promise.all(env.engines.map((endpoint) => connectEngine(endpoint)))
  return {
    env,
    namespace,
    store,
    lock: new LeaseLock(db, env.name),
    engines,
    balancer: env.loadBalancer ? createNginxBalancer(env.loadBalancer) : undefined,
    http,
    pgTools: createPgTools({binDir: hostEnv.CICD_PG_BIN}),
    appDb: appUrl ? {url: appUrl, connect: () => connectPostgres({url: appUrl, purpose: `application database of ${env.name}`})} : undefined,
    notifier: notifierFor(env.notifications.routes),
    redact,
    log: (line) => options.log(redact(line)),
    clock: options.clock ?? systemClock,
    actor: options.actor ?? defaultActor(hostEnv),
    hostEnv,
    projectRoot: options.projectRoot ?? process.cwd(),
    signal: options.signal,
    close: () => db.close(),
  }
}
