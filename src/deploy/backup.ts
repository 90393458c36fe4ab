// Backups of the application database: a custom-format pg_dump pinned to the same snapshot as the per-table
// row counts and checksums recorded beside it, verified with pg_restore --list; and restores that refuse a
// changed archive and prove their result against those recorded counts and checksums.
import path from 'node:path'

import type {Pg} from '../adapters/postgres.js'
import {CicdError, ExitCode, PrerequisiteError} from '../errors.js'
import type {Backup, TableStat} from '../state/store.js'
import type {DeployContext} from './context.js'

/** Row count and an order-independent checksum of each user table. */
/** The application's tables, quoted as `schema.table` (safe to splice into SQL). */
async function tableNames(db: Pg): Promise<string[]> {
  const tables = await db.query<{name: string}>(
    `select format('%I.%I', schemaname, tablename) as name from pg_tables
     where schemaname not in ('pg_catalog', 'information_schema') order by 1`,
  )
  return tables.map((t) => t.name)
}

export async function tableStats(db: Pg): Promise<TableStat[]> {
  const out: TableStat[] = []
  for (const name of await tableNames(db)) {
    const [row] = await db.query<{rows: string; checksum: string | null}>(
      `select count(*)::text as rows, md5(coalesce(string_agg(h, '' order by h), '')) as checksum from (select md5(t::text) as h from ${name} t) s`,
    )
    out.push({table: name, rows: Number(row.rows), checksum: row.checksum ?? ''})
  }
  return out
}

export function compareStats(expected: TableStat[], actual: TableStat[]): string[] {
  const byName = new Map(actual.map((stat) => [stat.table, stat]))
  const problems: string[] = []
  for (const want of expected) {
    const got = byName.get(want.table)
    if (!got) problems.push(`${want.table}: missing after restore`)
    else if (got.rows !== want.rows) problems.push(`${want.table}: ${got.rows} rows, the backup had ${want.rows}`)
    else if (got.checksum !== want.checksum) problems.push(`${want.table}: row checksum differs from the backup's`)
  }
  return problems
}

function requireAppDb(ctx: DeployContext): NonNullable<DeployContext['appDb']> {
  if (!ctx.appDb || !ctx.env.database) {
    throw new CicdError(`The environment ${ctx.env.name} has no application database configured, so there is nothing to back up or restore`, {
      exitCode: ExitCode.usage,
      nextSteps: [`Add environments.${ctx.env.name}.database, or pass --no-db-restore`],
    })
  }
  return ctx.appDb
}

/** Takes, verifies and records a backup. */
export async function takeBackup(ctx: DeployContext, options: {kind: Backup['kind']; releaseId: number | null}): Promise<Backup> {
  const appDb = requireAppDb(ctx)
  const stamp = new Date(ctx.clock.now()).toISOString().replace(/[:.]/g, '-')
  const file = path.resolve(ctx.env.database!.backupDir, `${ctx.env.name}-${options.kind}-${stamp}.dump`)
  const db = await appDb.connect()
  try {
    // The counts and the dump see the same snapshot, so writes during the backup cannot make them disagree.
    await db.query('begin transaction isolation level repeatable read read only')
    const [{snapshot}] = await db.query<{snapshot: string}>('select pg_export_snapshot() as snapshot')
    const tables = await tableStats(db)
    const digest = await ctx.pgTools.dump({url: appDb.url, file, snapshot})
    await db.query('commit')
    await ctx.pgTools.list(file)
    return await ctx.store.recordBackup({releaseId: options.releaseId, kind: options.kind, file, sizeBytes: digest.sizeBytes, sha256: digest.sha256, tables, verified: true})
  } finally {
    await db.close()
  }
}

export class IntegrityError extends CicdError {
  constructor(message: string, nextSteps: string[]) {
    super(message, {exitCode: ExitCode.deployFailed, nextSteps})
  }
}

/** Checks that a backup's archive is still the one recorded (present, same size and SHA-256, readable). */
export async function checkArchive(ctx: DeployContext, backup: Backup): Promise<void> {
  const digest = await ctx.pgTools.digest(backup.file)
  if (!digest) throw new PrerequisiteError(`Backup #${backup.id} is missing: ${backup.file} does not exist`, ['Restore the file from your backup storage, or pass --no-db-restore'])
  if (digest.sha256 !== backup.sha256 || digest.sizeBytes !== Number(backup.sizeBytes)) {
    throw new PrerequisiteError(`Backup #${backup.id} (${backup.file}) changed since it was taken: its SHA-256 or size differs from the record`, [
      'Do not restore it; choose another backup with --to, or pass --no-db-restore',
    ])
  }
  await ctx.pgTools.list(backup.file)
}

/** Disconnects the application's other sessions: with the services stopped, this stops every write. */
export async function stopWrites(ctx: DeployContext): Promise<number> {
  const db = await requireAppDb(ctx).connect()
  try {
    const rows = await db.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')
    return rows.length
  } finally {
    await db.close()
  }
}

/** Restores the archive and proves the result: pg_restore's status, then every table's rows and checksum. */
/**
 * Restores a backup so the tables are exactly the backup's: pg_restore --clean replaces the tables it holds,
 * and the tables created since (by the release being rolled back) are dropped; the safety backup taken
 * before the restore keeps their content.
 */
export async function restoreBackup(ctx: DeployContext, backup: Backup): Promise<{tables: number; rows: number; dropped: string[]}> {
  const appDb = requireAppDb(ctx)
  await checkArchive(ctx, backup)
  await ctx.pgTools.restore({url: appDb.url, file: backup.file})
  const db = await appDb.connect()
  try {
    const backedUp = new Set(backup.tables.map((t) => t.table))
    const newer = (await tableNames(db)).filter((name) => !backedUp.has(name))
    if (newer.length > 0) await db.query(`drop table if exists ${newer.join(', ')} cascade`)
    const problems = compareStats(backup.tables, await tableStats(db))
    if (problems.length > 0) {
      throw new IntegrityError(`The restored database does not match backup #${backup.id}: ${problems.join('; ')}`, [
        'The safety backup taken just before the restore holds the previous content; see cicd releases --env ' + ctx.env.name,
      ])
    }
    return {tables: backup.tables.length, rows: backup.tables.reduce((sum, t) => sum + t.rows, 0), dropped: newer}
  } finally {
    await db.close()
  }
}
