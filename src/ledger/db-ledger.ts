// The run ledger and health probes in the state database (CI's runs land here, so every agent and every
// developer's `cicd metrics` sees the same history). A run is keyed by its id: recording it twice is harmless.
import type {Pg} from '../adapters/postgres.js'
import {validateEntry, type LedgerEntry} from './entry.js'
import type {LedgerRead} from './file-ledger.js'

export async function insertRun(db: Pg, entry: LedgerEntry): Promise<void> {
  await db.query(
    `insert into cicd_metrics.check_runs (id, started_at, where_ran, branch, commit, entry) values ($1, $2, $3, $4, $5, $6)
     on conflict (id) do nothing`,
    [entry.id, entry.startedAt, entry.where, entry.branch, entry.commit, JSON.stringify(entry)],
  )
}

/** Runs that started at or after `since`; rows that no longer validate are reported by id. */
export async function readRuns(db: Pg, since: Date): Promise<LedgerRead> {
  const rows = await db.query<{id: string; entry: unknown}>('select id, entry from cicd_metrics.check_runs where started_at >= $1 order by started_at', [since])
  const read: LedgerRead = {entries: [], corrupt: []}
  for (const row of rows) {
    const checked = validateEntry(row.entry)
    if (checked.ok) read.entries.push(checked.entry)
    else read.corrupt.push({line: 0, reason: `database run ${row.id}: ${checked.reason}`})
  }
  return read
}

export interface Probe {
  at: Date
  ok: boolean
}

export async function insertProbe(db: Pg, probe: {environment: string; ok: boolean; latencyMs?: number; target?: string; at?: Date}): Promise<void> {
  await db.query('insert into cicd_metrics.probes (environment, at, ok, latency_ms, target) values ($1, coalesce($2, now()), $3, $4, $5)', [
    probe.environment,
    probe.at ?? null,
    probe.ok,
    probe.latencyMs ?? null,
    probe.target ?? null,
  ])
}

export async function readProbes(db: Pg, environment: string, since: Date): Promise<Probe[]> {
  return db.query<{at: Date; ok: boolean}>('select at, ok from cicd_metrics.probes where environment = $1 and at >= $2 order by at', [environment, since])
}
