// The state database against a real PostgreSQL: migrations that concurrent processes can run at once, the
// lease lock (busy, expiry and takeover, renewal, loss), and release records that cannot be rewritten.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {connectPostgres, type Pg} from '../../../src/adapters/postgres.js'
import {createRedactor} from '../../../src/lifecycle/redact.js'
import {LeaseLock} from '../../../src/state/lock.js'
import {migrateState} from '../../../src/state/migrations.js'
import {StateStore} from '../../../src/state/store.js'
import {dbUrl, PG_URL, requirePostgres, sql} from './harness.js'

describe('state database', () => {
  const name = `cicd_state_unit_${process.pid}`
  let a: Pg
  let b: Pg

  beforeAll(async () => {
    await requirePostgres()
    await sql(PG_URL, `drop database if exists ${name} with (force)`)
    await sql(PG_URL, `create database ${name}`)
    a = await connectPostgres({url: dbUrl(name), purpose: 'test'})
    b = await connectPostgres({url: dbUrl(name), purpose: 'test'})
    await Promise.all([migrateState(a), migrateState(b)])
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await sql(PG_URL, `drop database if exists ${name} with (force)`)
  })

  it('migrates once even when two processes start together', async () => {
    expect(await sql(dbUrl(name), 'select version from public.cicd_schema_version')).toEqual([{version: 1}])
  })

  it('gives the lease to one holder, names it to the other, and hands it over only after expiry', async () => {
    const lockA = new LeaseLock(a, 'staging')
    const lockB = new LeaseLock(b, 'staging')
    const who = (holder: string) => ({holder, host: 'h', pid: 1, reason: 'r', operation: 'deploy'})
    const first = await lockA.acquire(who('alice'), 1)
    expect(first.acquired).toBe(true)
    const second = await lockB.acquire(who('bob'), 1)
    expect(second).toMatchObject({acquired: false, current: {holder: 'alice', expired: false}})
    const token = first.acquired ? first.lease.token : ''
    expect(await lockA.renew(token, 1)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 1200))
    const third = await lockB.acquire(who('bob'), 60)
    expect(third).toMatchObject({acquired: true, tookOverFrom: {holder: 'alice'}})
    // Alice's process wakes up: her renewal fails, so she knows to stop.
    expect(await lockA.renew(token, 60)).toBe(false)
    expect(await lockA.release(token)).toBe(false)
    expect((await lockA.status())?.holder).toBe('bob')
  })

  it('refuses to rewrite what a release is, and redacts what it records', async () => {
    const store = new StateStore(a, 'staging', createRedactor(['s3cret-value']))
    const release = await store.createRelease({version: 'v1', images: {web: 'sha256:1'}, spec: {strategy: 'rolling', instances: 1, services: {}}, slot: 0, actor: 'alice'})
    await store.updateRelease(release.id, {status: 'verified', note: 'token s3cret-value'})
    expect((await store.release(release.id))?.note).toBe('token ***')
    await expect(a.query(`update cicd.releases set version = 'v9' where id = $1`, [release.id])).rejects.toThrow(/immutable/)
  })
})
