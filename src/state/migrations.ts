// cicd's own tables in the state database (schema `cicd`), created and upgraded in order. The state
// database is never the application database, so restoring application data can never rewind these records.
import type {Pg} from '../adapters/postgres.js'

const MIGRATIONS: string[] = [
  `create schema if not exists cicd;
   -- Names this state database's deployments: containers carry it, so two installations sharing an engine
   -- (or an environment name) never touch each other's containers.
   create table cicd.meta (key text primary key, value text not null);
   insert into cicd.meta (key, value) values ('namespace', substr(md5(random()::text || clock_timestamp()::text), 1, 8));
   create table cicd.releases (
     id bigserial primary key,
     environment text not null,
     version text not null,
     images jsonb not null,
     spec jsonb not null,
     slot int not null,
     migration_head text,
     backup_id bigint,
     actor text not null,
     status text not null check (status in ('deploying', 'verified', 'failed', 'rolled-back')),
     created_at timestamptz not null default now(),
     finished_at timestamptz,
     note text
   );
   create index on cicd.releases (environment, id desc);
   -- What a release is (version, images, configuration) never changes; only its status and bookkeeping do.
   create function cicd.releases_immutable() returns trigger language plpgsql as $$
   begin
     if new.environment <> old.environment or new.version <> old.version or new.images <> old.images
        or new.spec <> old.spec or new.slot <> old.slot or new.actor <> old.actor then
       raise exception 'release % is immutable', old.id;
     end if;
     return new;
   end $$;
   create trigger releases_immutable before update on cicd.releases for each row execute function cicd.releases_immutable();
   create table cicd.environments (
     name text primary key,
     live_release_id bigint references cicd.releases (id),
     updated_at timestamptz not null default now()
   );
   create table cicd.backups (
     id bigserial primary key,
     environment text not null,
     release_id bigint,
     kind text not null check (kind in ('pre-deploy', 'safety', 'manual')),
     file text not null,
     size_bytes bigint not null,
     sha256 text not null,
     tables jsonb not null,
     verified boolean not null,
     created_at timestamptz not null default now()
   );
   create table cicd.locks (
     environment text primary key,
     token text not null,
     holder text not null,
     host text not null,
     pid int not null,
     reason text not null,
     operation text not null,
     acquired_at timestamptz not null,
     heartbeat_at timestamptz not null,
     expires_at timestamptz not null
   );
   create table cicd.runs (
     id bigserial primary key,
     environment text not null,
     operation text not null check (operation in ('deploy', 'rollback')),
     trigger text not null,
     status text not null check (status in ('running', 'succeeded', 'failed', 'escalated')),
     params jsonb not null,
     actor text not null,
     started_at timestamptz not null default now(),
     finished_at timestamptz,
     resumed int not null default 0
   );
   create table cicd.journal (
     id bigserial primary key,
     run_id bigint not null references cicd.runs (id),
     step text not null,
     event text not null check (event in ('started', 'finished', 'failed', 'note')),
     detail jsonb not null default '{}',
     at timestamptz not null default clock_timestamp()
   );
   create index on cicd.journal (run_id, id);
   create table cicd.incidents (
     id bigserial primary key,
     environment text not null,
     run_id bigint references cicd.runs (id),
     severity text not null,
     title text not null,
     status text not null check (status in ('open', 'closed', 'escalated')),
     opened_at timestamptz not null default now(),
     closed_at timestamptz,
     timings jsonb,
     summary text
   );
   create table cicd.audit (
     id bigserial primary key,
     at timestamptz not null default clock_timestamp(),
     environment text not null,
     actor text not null,
     action text not null,
     detail jsonb not null default '{}'
   );`,
]

export const SCHEMA_VERSION = MIGRATIONS.length

/** Brings the state database to the newest schema; safe when several cicd processes start at once. */
export async function migrateState(db: Pg): Promise<void> {
  await db.query('begin')
  try {
    // One migrator at a time; the others wait here and then find nothing to do.
    await db.query(`select pg_advisory_xact_lock(hashtext('cicd-state-migrations'))`)
    await db.query('create table if not exists public.cicd_schema_version (version int not null)')
    const rows = await db.query<{version: number}>('select coalesce(max(version), 0)::int as version from public.cicd_schema_version')
    for (let version = rows[0].version; version < MIGRATIONS.length; version++) {
      await db.query(MIGRATIONS[version])
      await db.query('insert into public.cicd_schema_version (version) values ($1)', [version + 1])
    }
    await db.query('commit')
  } catch (error) {
    await db.query('rollback').catch(() => {})
    throw error
  }
}
