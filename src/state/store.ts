// The records of one environment in the state database: releases, the live pointer, backups, runs with their
// journal, incidents and the audit log. Every string written here passes through the redactor first.
import type {Pg} from '../adapters/postgres.js'
import type {ReleaseSpec} from '../deploy/spec.js'
import {redactDeep, type Redactor} from '../lifecycle/redact.js'

export type ReleaseStatus = 'deploying' | 'verified' | 'failed' | 'rolled-back'

export interface Release {
  id: number
  environment: string
  version: string
  images: Record<string, string>
  spec: ReleaseSpec
  slot: number
  migrationHead: string | null
  backupId: number | null
  actor: string
  status: ReleaseStatus
  createdAt: Date
  finishedAt: Date | null
  note: string | null
}

export interface TableStat {
  table: string
  rows: number
  checksum: string
}

export interface Backup {
  id: number
  environment: string
  releaseId: number | null
  kind: 'pre-deploy' | 'safety' | 'manual'
  file: string
  sizeBytes: number
  sha256: string
  tables: TableStat[]
  verified: boolean
  createdAt: Date
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'escalated'

export interface Run {
  id: number
  environment: string
  operation: 'deploy' | 'rollback'
  trigger: string
  status: RunStatus
  params: Record<string, unknown>
  actor: string
  startedAt: Date
  finishedAt: Date | null
  resumed: number
}

export interface JournalEntry {
  id: number
  runId: number
  step: string
  event: 'started' | 'finished' | 'failed' | 'note'
  detail: Record<string, unknown>
  at: Date
}

export interface Incident {
  id: number
  environment: string
  runId: number | null
  severity: string
  title: string
  status: 'open' | 'closed' | 'escalated'
  openedAt: Date
  closedAt: Date | null
  timings: Record<string, number> | null
  summary: string | null
}

export interface AuditEntry {
  id: number
  at: Date
  environment: string
  actor: string
  action: string
  detail: Record<string, unknown>
}

type Row = Record<string, unknown>

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
function map<T>(row: Row): T {
  const out: Row = {}
  for (const [key, value] of Object.entries(row)) out[camel(key)] = typeof value === 'string' && /^(id|run_id|release_id|backup_id|live_release_id|size_bytes)$/.test(key) ? Number(value) : value
  return out as T
}

export class StateStore {
  constructor(
    readonly db: Pg,
    readonly environment: string,
    private readonly redact: Redactor,
  ) {}

  private clean<T>(value: T): T {
    return redactDeep(value, this.redact)
  }

  /** The short id containers of this installation carry (created with the schema). */
  async namespace(): Promise<string> {
    const rows = await this.db.query<{value: string}>(`select value from cicd.meta where key = 'namespace'`)
    return rows[0].value
  }

  async createRelease(input: {version: string; images: Record<string, string>; spec: ReleaseSpec; slot: number; actor: string; backupId?: number}): Promise<Release> {
    const rows = await this.db.query(
      `insert into cicd.releases (environment, version, images, spec, slot, actor, backup_id, status)
       values ($1, $2, $3, $4, $5, $6, $7, 'deploying') returning *`,
      [this.environment, input.version, input.images, this.clean(input.spec), input.slot, input.actor, input.backupId ?? null],
    )
    return map<Release>(rows[0])
  }

  async updateRelease(id: number, change: {status?: ReleaseStatus; note?: string; migrationHead?: string; backupId?: number}): Promise<void> {
    await this.db.query(
      `update cicd.releases set status = coalesce($2, status), note = coalesce($3, note), migration_head = coalesce($4, migration_head),
         backup_id = coalesce($5, backup_id), finished_at = case when $2::text is null then finished_at else now() end
       where id = $1`,
      [id, change.status ?? null, change.note === undefined ? null : this.redact(change.note), change.migrationHead ?? null, change.backupId ?? null],
    )
  }

  async release(id: number): Promise<Release | undefined> {
    const rows = await this.db.query('select * from cicd.releases where id = $1 and environment = $2', [id, this.environment])
    return rows[0] ? map<Release>(rows[0]) : undefined
  }

  async releases(limit = 20): Promise<Release[]> {
    const rows = await this.db.query('select * from cicd.releases where environment = $1 order by id desc limit $2', [this.environment, limit])
    return rows.map((row) => map<Release>(row))
  }

  async liveRelease(): Promise<Release | undefined> {
    const rows = await this.db.query(
      'select r.* from cicd.environments e join cicd.releases r on r.id = e.live_release_id where e.name = $1',
      [this.environment],
    )
    return rows[0] ? map<Release>(rows[0]) : undefined
  }

  async setLive(releaseId: number): Promise<void> {
    await this.db.query(
      `insert into cicd.environments (name, live_release_id) values ($1, $2)
       on conflict (name) do update set live_release_id = excluded.live_release_id, updated_at = now()`,
      [this.environment, releaseId],
    )
  }

  /** The newest verified release older than the given one: the default rollback target. */
  async previousVerified(beforeId: number): Promise<Release | undefined> {
    const rows = await this.db.query(
      `select * from cicd.releases where environment = $1 and id < $2 and status = 'verified' order by id desc limit 1`,
      [this.environment, beforeId],
    )
    return rows[0] ? map<Release>(rows[0]) : undefined
  }

  async recordBackup(input: Omit<Backup, 'id' | 'environment' | 'createdAt'>): Promise<Backup> {
    const rows = await this.db.query(
      `insert into cicd.backups (environment, release_id, kind, file, size_bytes, sha256, tables, verified)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
      [this.environment, input.releaseId, input.kind, input.file, input.sizeBytes, input.sha256, JSON.stringify(input.tables), input.verified],
    )
    return map<Backup>(rows[0])
  }

  async backup(id: number): Promise<Backup | undefined> {
    const rows = await this.db.query('select * from cicd.backups where id = $1 and environment = $2', [id, this.environment])
    return rows[0] ? map<Backup>(rows[0]) : undefined
  }

  /** The newest verified pre-deploy backup taken no later than `notAfter`. */
  async lastBackupBefore(notAfter: Date): Promise<Backup | undefined> {
    const rows = await this.db.query(
      `select * from cicd.backups where environment = $1 and verified and kind = 'pre-deploy' and created_at <= $2 order by id desc limit 1`,
      [this.environment, notAfter],
    )
    return rows[0] ? map<Backup>(rows[0]) : undefined
  }

  async backups(): Promise<Backup[]> {
    const rows = await this.db.query('select * from cicd.backups where environment = $1 order by id desc', [this.environment])
    return rows.map((row) => map<Backup>(row))
  }

  async startRun(input: {operation: Run['operation']; trigger: string; params: Record<string, unknown>; actor: string}): Promise<Run> {
    const rows = await this.db.query(
      `insert into cicd.runs (environment, operation, trigger, status, params, actor) values ($1, $2, $3, 'running', $4, $5) returning *`,
      [this.environment, input.operation, input.trigger, this.clean(input.params), input.actor],
    )
    return map<Run>(rows[0])
  }

  async finishRun(id: number, status: Exclude<RunStatus, 'running'>): Promise<void> {
    await this.db.query('update cicd.runs set status = $2, finished_at = now() where id = $1', [id, status])
  }

  async markResumed(id: number): Promise<void> {
    await this.db.query(`update cicd.runs set resumed = resumed + 1, status = 'running', finished_at = null where id = $1`, [id])
  }

  /** The newest run of this operation that did not succeed: what `--resume` continues. */
  async unfinishedRun(operation: Run['operation']): Promise<Run | undefined> {
    const rows = await this.db.query(
      `select * from cicd.runs where environment = $1 and operation = $2 order by id desc limit 1`,
      [this.environment, operation],
    )
    const run = rows[0] ? map<Run>(rows[0]) : undefined
    return run && run.status !== 'succeeded' ? run : undefined
  }

  async runs(limit = 20): Promise<Run[]> {
    const rows = await this.db.query('select * from cicd.runs where environment = $1 order by id desc limit $2', [this.environment, limit])
    return rows.map((row) => map<Run>(row))
  }

  async journal(runId: number, step: string, event: JournalEntry['event'], detail: Record<string, unknown> = {}): Promise<void> {
    await this.db.query('insert into cicd.journal (run_id, step, event, detail) values ($1, $2, $3, $4)', [runId, step, event, this.clean(detail)])
  }

  async journalOf(runId: number): Promise<JournalEntry[]> {
    const rows = await this.db.query('select * from cicd.journal where run_id = $1 order by id', [runId])
    return rows.map((row) => map<JournalEntry>(row))
  }

  async openIncident(input: {runId: number; severity: string; title: string}): Promise<Incident> {
    const rows = await this.db.query(
      `insert into cicd.incidents (environment, run_id, severity, title, status) values ($1, $2, $3, $4, 'open') returning *`,
      [this.environment, input.runId, input.severity, this.redact(input.title)],
    )
    return map<Incident>(rows[0])
  }

  async incidentOfRun(runId: number): Promise<Incident | undefined> {
    const rows = await this.db.query('select * from cicd.incidents where run_id = $1 order by id desc limit 1', [runId])
    return rows[0] ? map<Incident>(rows[0]) : undefined
  }

  async updateIncident(id: number, change: {status: Incident['status']; timings?: Record<string, number>; summary?: string}): Promise<void> {
    await this.db.query(
      `update cicd.incidents set status = $2, timings = coalesce($3, timings), summary = coalesce($4, summary),
         closed_at = case when $2 = 'closed' then now() else closed_at end where id = $1`,
      [id, change.status, change.timings ? JSON.stringify(change.timings) : null, change.summary === undefined ? null : this.redact(change.summary)],
    )
  }

  async incidents(limit = 20): Promise<Incident[]> {
    const rows = await this.db.query('select * from cicd.incidents where environment = $1 order by id desc limit $2', [this.environment, limit])
    return rows.map((row) => map<Incident>(row))
  }

  async audit(actor: string, action: string, detail: Record<string, unknown> = {}): Promise<void> {
    await this.db.query('insert into cicd.audit (environment, actor, action, detail) values ($1, $2, $3, $4)', [this.environment, actor, action, this.clean(detail)])
  }

  async auditLog(limit = 50): Promise<AuditEntry[]> {
    const rows = await this.db.query('select * from cicd.audit where environment = $1 order by id desc limit $2', [this.environment, limit])
    return rows.map((row) => map<AuditEntry>(row))
  }
}
