// The metrics' own tables in the state database, in their own schema (`cicd_metrics`) with their own
// version table, so they upgrade independently of the operator tables (schema `cicd`): CI's check runs, the
// health probes availability is computed from, and the alerts already sent (for de-duplication).
import type {Pg} from '../adapters/postgres.js'

const MIGRATIONS: string[] = [
  `create schema if not exists cicd_metrics;
   create table cicd_metrics.check_runs (
     id text primary key,
     started_at timestamptz not null,
     where_ran text not null,
     branch text,
     commit text,
     entry jsonb not null,
     recorded_at timestamptz not null default now()
   );
   create index on cicd_metrics.check_runs (started_at);
   create table cicd_metrics.probes (
     id bigserial primary key,
     environment text not null,
     at timestamptz not null default now(),
     ok boolean not null,
     latency_ms int,
     target text
   );
   create index on cicd_metrics.probes (environment, at);
   create table cicd_metrics.alerts_sent (
     key text primary key,
     level text not null,
     sent_at timestamptz not null
   );`,
]

export async function migrateMetrics(db: Pg): Promise<void> {
  await db.query('begin')
  try {
    await db.query(`select pg_advisory_xact_lock(hashtext('cicd-metrics-migrations'))`)
    await db.query('create schema if not exists cicd_metrics')
    await db.query('create table if not exists cicd_metrics.schema_version (version int not null)')
    const rows = await db.query<{version: number}>('select coalesce(max(version), 0)::int as version from cicd_metrics.schema_version')
    for (let version = rows[0].version; version < MIGRATIONS.length; version++) {
      await db.query(MIGRATIONS[version])
      await db.query('insert into cicd_metrics.schema_version (version) values ($1)', [version + 1])
    }
    await db.query('commit')
  } catch (error) {
    await db.query('rollback').catch(() => {})
    throw error
  }
}
