// The deployment lock (the design's "deployment queue"): a lease row per environment. A holder renews it
// while it works; a holder that dies stops renewing and its lease expires, so nobody has to clean up after
// a `kill -9`. Times come from the database's clock, so hosts with skewed clocks agree on expiry.
import {randomUUID} from 'node:crypto'

import type {Pg} from '../adapters/postgres.js'

export interface LockHolder {
  holder: string
  host: string
  pid: number
  reason: string
  operation: string
}

export interface LockState extends LockHolder {
  environment: string
  token: string
  acquiredAt: Date
  heartbeatAt: Date
  expiresAt: Date
  expired: boolean
}

export type AcquireResult = {acquired: true; lease: LockState; tookOverFrom?: LockState} | {acquired: false; current: LockState}

const SELECT = `select environment, token, holder, host, pid, reason, operation, acquired_at as "acquiredAt",
  heartbeat_at as "heartbeatAt", expires_at as "expiresAt", expires_at < now() as expired from cicd.locks`

export class LeaseLock {
  constructor(
    private readonly db: Pg,
    readonly environment: string,
  ) {}

  async status(): Promise<LockState | undefined> {
    const rows = await this.db.query<LockState & Record<string, unknown>>(`${SELECT} where environment = $1`, [this.environment])
    return rows[0]
  }

  /** Takes the lease when it is free or expired; otherwise says who holds it. */
  async acquire(who: LockHolder, ttlSeconds: number): Promise<AcquireResult> {
    const before = await this.status()
    const token = randomUUID()
    const rows = await this.db.query<LockState & Record<string, unknown>>(
      `insert into cicd.locks as l (environment, token, holder, host, pid, reason, operation, acquired_at, heartbeat_at, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, now(), now(), now() + make_interval(secs => $8))
       on conflict (environment) do update set token = excluded.token, holder = excluded.holder, host = excluded.host,
         pid = excluded.pid, reason = excluded.reason, operation = excluded.operation, acquired_at = excluded.acquired_at,
         heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at
       where l.expires_at < now()
       returning environment, token, holder, host, pid, reason, operation, acquired_at as "acquiredAt",
         heartbeat_at as "heartbeatAt", expires_at as "expiresAt", false as expired`,
      [this.environment, token, who.holder, who.host, who.pid, who.reason, who.operation, ttlSeconds],
    )
    if (rows[0]) return {acquired: true, lease: rows[0], tookOverFrom: before && before.token !== token ? before : undefined}
    const current = await this.status()
    // Released between our insert and this read: try once more rather than report a holder that is gone.
    if (!current) return this.acquire(who, ttlSeconds)
    return {acquired: false, current}
  }

  /** Extends the lease; false when it was lost (expired and taken, or force-released). */
  async renew(token: string, ttlSeconds: number): Promise<boolean> {
    const rows = await this.db.query(
      `update cicd.locks set heartbeat_at = now(), expires_at = now() + make_interval(secs => $3)
       where environment = $1 and token = $2 returning token`,
      [this.environment, token, ttlSeconds],
    )
    return rows.length === 1
  }

  /** Makes the lease never expire: a failed rollback keeps everyone out until a person looks. */
  async pin(token: string, reason: string): Promise<void> {
    await this.db.query(`update cicd.locks set expires_at = 'infinity', reason = $3 where environment = $1 and token = $2`, [this.environment, token, reason])
  }

  async release(token: string): Promise<boolean> {
    const rows = await this.db.query('delete from cicd.locks where environment = $1 and token = $2 returning token', [this.environment, token])
    return rows.length === 1
  }

  /** Removes whoever holds the lease; returns what was removed. */
  async forceRelease(): Promise<LockState | undefined> {
    const current = await this.status()
    await this.db.query('delete from cicd.locks where environment = $1', [this.environment])
    return current
  }
}
