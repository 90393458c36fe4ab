// Rollback planning refuses, before anything changes, what cannot work: no usable backup, a backup older
// than the limit (unless --force), the target's image missing on an engine.
import {describe, expect, it} from 'vitest'

import type {DeployEngine} from '../../../src/adapters/deploy-engine.js'
import type {PgTools} from '../../../src/adapters/pg-tools.js'
import {environmentsSchema} from '../../../src/config/environments-schema.js'
import type {DeployContext} from '../../../src/deploy/context.js'
import {planRollback} from '../../../src/deploy/rollback-flow.js'
import {CicdError, ExitCode} from '../../../src/errors.js'
import type {Backup, Release} from '../../../src/state/store.js'

const HOUR = 3_600_000
const env = environmentsSchema.parse({staging: {database: {url: 'postgres://db/app', backupDir: '/backups'}, services: {web: {image: 'app', port: 8000}}}}).staging

function release(id: number, status: Release['status'], backupId: number | null): Release {
  const spec = {strategy: 'rolling' as const, instances: 1, services: {web: {imageRef: `app:v${id}`, imageId: `sha256:${id}`, env: {}, port: 8000, greenPortOffset: 100, healthCheck: env.services.web.healthCheck, stopTimeoutSeconds: 1, drainMs: 0}}}
  return {id, environment: 'staging', version: `v${id}`, images: {web: `sha256:${id}`}, spec, slot: id % 2, migrationHead: null, backupId, actor: 'a', status, createdAt: new Date(0), finishedAt: null, note: null}
}

function context(options: {backups: Backup[]; images: string[]; now: number}): DeployContext {
  const releases = [release(2, 'verified', 7), release(1, 'verified', null)]
  const engine = {url: 'unix:///e.sock', imageId: async (id: string) => (options.images.includes(id) ? id : undefined)} as unknown as DeployEngine
  const pgTools = {digest: async () => ({sizeBytes: 10, sha256: 'abc'}), list: async () => []} as unknown as PgTools
  return {
    env,
    engines: [engine],
    pgTools,
    clock: {now: () => options.now, sleep: async () => {}},
    store: {
      liveRelease: async () => releases[0],
      previousVerified: async (before: number) => releases.find((r) => r.id < before),
      releases: async () => releases,
      backup: async (id: number) => options.backups.find((b) => b.id === id),
    },
  } as unknown as DeployContext
}

const backup = (createdAt: number): Backup => ({id: 7, environment: 'staging', releaseId: 2, kind: 'pre-deploy', file: '/backups/x.dump', sizeBytes: 10, sha256: 'abc', tables: [], verified: true, createdAt: new Date(createdAt)})

async function refusal(promise: Promise<unknown>): Promise<CicdError> {
  return promise.then(() => {
    throw new Error('expected a refusal')
  }, (error: CicdError) => error)
}

describe('planRollback', () => {
  it('targets the newest verified release before the live one, with the backup taken before the live one', async () => {
    const plan = await planRollback(context({backups: [backup(0)], images: ['sha256:1'], now: HOUR}), {dbRestore: true, force: false})
    expect(plan.current.id).toBe(2)
    expect(plan.target.id).toBe(1)
    expect(plan.backup?.id).toBe(7)
  })

  it('refuses without a usable backup and points to --no-db-restore', async () => {
    const error = await refusal(planRollback(context({backups: [], images: ['sha256:1'], now: HOUR}), {dbRestore: true, force: false}))
    expect(error.exitCode).toBe(ExitCode.prerequisite)
    expect(error.nextSteps.join()).toContain('--no-db-restore')
    const plan = await planRollback(context({backups: [], images: ['sha256:1'], now: HOUR}), {dbRestore: false, force: false})
    expect(plan.backup).toBeUndefined()
  })

  it('refuses a backup older than the limit unless --force', async () => {
    const old = context({backups: [backup(0)], images: ['sha256:1'], now: 30 * HOUR})
    const error = await refusal(planRollback(old, {dbRestore: true, force: false}))
    expect(error.exitCode).toBe(ExitCode.usage)
    expect(error.message).toContain('30.0 h old, older than the 24 h limit')
    expect((await planRollback(old, {dbRestore: true, force: true})).backup?.id).toBe(7)
  })

  it('refuses when the target release’s image is gone from an engine', async () => {
    const error = await refusal(planRollback(context({backups: [backup(0)], images: [], now: HOUR}), {dbRestore: true, force: false}))
    expect(error.exitCode).toBe(ExitCode.prerequisite)
    expect(error.message).toContain('web image app:v1 (sha256:1) on unix:///e.sock')
  })
})
