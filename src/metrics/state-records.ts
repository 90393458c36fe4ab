// Reads one environment's deployments, rollback runs, incidents and health probes from the state database
// (the operator commands' tables in schema `cicd`, the probes in `cicd_metrics`). Every query filters on the
// environment, so staging's records never count for production; incidents are read one row per incident.
import type {Pg} from '../adapters/postgres.js'
import {readProbes} from '../ledger/db-ledger.js'
import type {DeploymentRecord, IncidentRecord, ProbeRecord, RollbackRecord} from './records.js'

const ms = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string | Date).getTime())

export interface StateRecords {
  deployments: DeploymentRecord[]
  rollbacks: RollbackRecord[]
  incidents: IncidentRecord[]
  probes: ProbeRecord[]
}

export async function readStateRecords(db: Pg, environment: string, since: Date): Promise<StateRecords> {
  const [releases, runs, incidents, probes] = await Promise.all([
    db.query(
      `select r.id, r.version, r.status, r.created_at, r.finished_at,
         (select min(a.at) from cicd.audit a
           where a.environment = r.environment and a.action = 'deploy' and a.detail->>'release' = r.id::text) as deployed_at
       from cicd.releases r where r.environment = $1 order by r.id`,
      [environment],
    ),
    db.query(
      `select id, status, started_at, finished_at, params->>'currentId' as current_id
       from cicd.runs where environment = $1 and operation = 'rollback' order by id`,
      [environment],
    ),
    db.query('select id, run_id, opened_at, closed_at from cicd.incidents where environment = $1 order by id', [environment]),
    readProbes(db, environment, since),
  ])
  return {
    deployments: releases.map((row) => ({
      id: Number(row.id),
      version: String(row.version),
      status: row.status as DeploymentRecord['status'],
      createdAt: ms(row.created_at) as number,
      finishedAt: ms(row.finished_at),
      // A verified release always has its deploy's audit entry; older records fall back to the status change.
      deployedAt: ms(row.deployed_at) ?? (row.status === 'verified' ? ms(row.finished_at) : null),
    })),
    rollbacks: runs.map((row) => ({
      id: Number(row.id),
      status: row.status as RollbackRecord['status'],
      startedAt: ms(row.started_at) as number,
      finishedAt: ms(row.finished_at),
      currentId: row.current_id === null || row.current_id === undefined ? null : Number(row.current_id),
    })),
    incidents: incidents.map((row) => ({id: Number(row.id), runId: row.run_id === null ? null : Number(row.run_id), openedAt: ms(row.opened_at) as number, closedAt: ms(row.closed_at)})),
    probes: probes.map((probe) => ({at: probe.at.getTime(), ok: probe.ok})),
  }
}
