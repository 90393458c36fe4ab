// What the metrics are computed from, as plain data: the run ledger's entries, and one environment's
// deployments (releases), rollback runs, incidents and health probes from the state database, plus the commit
// times of each deployment's changes from git. Times are epoch milliseconds.
import type {LedgerEntry} from '../ledger/entry.js'

export interface DeploymentRecord {
  id: number
  version: string
  status: 'deploying' | 'verified' | 'failed' | 'rolled-back'
  createdAt: number
  /** When its status last changed (a later rollback moves it). */
  finishedAt: number | null
  /** When the deploy finished and verified it (the audit log's `deploy` entry); null when it never did. */
  deployedAt: number | null
}

export interface RollbackRecord {
  id: number
  status: 'running' | 'succeeded' | 'failed' | 'escalated'
  startedAt: number
  finishedAt: number | null
  /** The release that was rolled back (the run's params.currentId). */
  currentId: number | null
}

export interface IncidentRecord {
  id: number
  runId: number | null
  openedAt: number
  closedAt: number | null
}

export interface ProbeRecord {
  at: number
  ok: boolean
}

export interface MetricsInput {
  /** The environment's records; every list holds only that environment's rows. */
  environment: string
  runs: LedgerEntry[]
  deployments: DeploymentRecord[]
  rollbacks: RollbackRecord[]
  incidents: IncidentRecord[]
  probes: ProbeRecord[]
  /** By deployment id: the commit times (ms) of the changes it shipped; absent when git could not tell. */
  commitTimes: Map<number, number[]>
}
