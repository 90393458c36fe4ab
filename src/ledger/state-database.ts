// Which state database holds CI's run ledger and the health probes, and opening it (migrated). The metrics
// share the operator commands' state database, in their own schema.
import type {EnvironmentsConfig} from '../config/environments-schema.js'
import type {Pg} from '../adapters/postgres.js'
import {resolveRefs} from '../lifecycle/redact.js'
import {migrateMetrics} from './migrations.js'

/** The environment named in `metrics.ledger.environment`, else production when it has a state database, else the first that has one. */
export function ledgerEnvironment(environments: EnvironmentsConfig, configured?: string): string | undefined {
  if (configured !== undefined) return environments[configured]?.stateDatabase ? configured : undefined
  if (environments.production?.stateDatabase) return 'production'
  return Object.values(environments).find((env) => env.stateDatabase)?.name
}

export async function openMetricsDatabase(options: {
  environments: EnvironmentsConfig
  environment: string
  hostEnv: Record<string, string | undefined>
  connectTimeoutMs?: number
}): Promise<Pg | undefined> {
  const env = options.environments[options.environment]
  if (!env?.stateDatabase) return undefined
  const {connectPostgres} = await import('../adapters/postgres.js')
  const db = await connectPostgres({
    url: resolveRefs(env.stateDatabase.url, options.hostEnv),
    purpose: `state database of ${env.name}`,
    connectTimeoutMs: options.connectTimeoutMs ?? 3000,
  })
  try {
    await migrateMetrics(db)
  } catch (error) {
    await db.close()
    throw error
  }
  return db
}
