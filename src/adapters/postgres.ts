// PostgreSQL (pg, imported lazily): one small client interface for the state database and the application
// database. Connection problems become PrerequisiteErrors that name the server, never its password.
import {PrerequisiteError} from '../errors.js'
import {redactUrl} from '../lifecycle/redact.js'

export interface Pg {
  query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  close(): Promise<void>
}

export interface PgConnectOptions {
  /** A PostgreSQL DSN (postgres://user:password@host:port/db). */
  url: string
  /** What the database is for, in messages: "state database of staging". */
  purpose: string
  connectTimeoutMs?: number
}

export async function connectPostgres(options: PgConnectOptions): Promise<Pg> {
  const {default: pg} = await import('pg')
  const client = new pg.Client({
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    application_name: 'cicd',
  })
  // A server that goes away later emits 'error' on the idle client; the next query reports it instead.
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (error) {
    await client.end().catch(() => {})
    throw new PrerequisiteError(
      `The ${options.purpose} at ${redactUrl(options.url)} is unreachable: ${(error as Error).message}`,
      ['Check that PostgreSQL is running and the DSN in the configuration is right', 'For a local test cluster: sudo bash scripts/provision/postgres.sh'],
      error,
    )
  }
  return {
    async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const result = await client.query(sql, params)
      return result.rows as T[]
    },
    async close() {
      await client.end().catch(() => {})
    },
  }
}
