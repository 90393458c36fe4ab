// A repository and a real state database with a known history, relative to now: git commits with pinned
// committer dates (tags and a `{build}-{commit}` version), the local run ledger (with one corrupt line),
// CI runs in the database, production and staging releases, rollback runs, incidents (one updated several
// times, two about one deployment) and health probes. The expected values are worked out in the test.
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {execa} from 'execa'

import {connectPostgres} from '../../../src/adapters/postgres.js'
import {insertProbe, insertRun} from '../../../src/ledger/db-ledger.js'
import type {LedgerEntry} from '../../../src/ledger/entry.js'
import {migrateMetrics} from '../../../src/ledger/migrations.js'
import {migrateState} from '../../../src/state/migrations.js'
import {StateStore} from '../../../src/state/store.js'
import {createTempRepo, type TempRepo} from '../../helpers/repo.js'

export const DAY = 86_400_000
export const HOUR = 3_600_000
export const MIN = 60_000

export interface Seeded {
  repo: TempRepo
  stateUrl: string
}

function ledgerRun(id: string, startedAt: number, overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    v: 1,
    id,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: 50 * MIN,
    ok: true,
    exitCode: 0,
    where: 'ci',
    branch: 'develop',
    commit: null,
    runner: 'container',
    phases: ['static', 'test'],
    checks: [],
    findings: {error: 0, warning: 0, note: 0},
    coverage: null,
    pylintScore: null,
    security: null,
    ...overrides,
  }
}

async function commitAt(repo: TempRepo, name: string, at: number): Promise<string> {
  await repo.write(`${name}.txt`, `${name}\n`)
  await repo.git('add', '-A')
  const date = new Date(at).toISOString()
  await execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', name], {
    cwd: repo.dir,
    env: {GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date},
  })
  return repo.git('rev-parse', 'HEAD')
}

export async function seed(options: {now: number; stateUrl: string}): Promise<Seeded> {
  const {now, stateUrl} = options
  const t = (days: number, minutes = 0) => now - days * DAY + minutes * MIN
  const repo = await createTempRepo({prefix: 'cicd-metrics-'})
  await repo.write('.cicdrc.json', JSON.stringify({environments: {production: {stateDatabase: {url: stateUrl}}, staging: {stateDatabase: {url: stateUrl}}}}, null, 2))
  await commitAt(repo, 'c1', t(41))
  await repo.git('tag', 'v1')
  await commitAt(repo, 'c2', t(26))
  await commitAt(repo, 'c3', t(25, -12 * 60))
  await repo.git('tag', 'v2')
  const c4 = await commitAt(repo, 'c4', t(21))
  await commitAt(repo, 'c5', t(16))
  await repo.git('tag', 'v4')
  await commitAt(repo, 'c6', t(11))
  const c7 = await commitAt(repo, 'c7', t(10, -12 * 60))

  // The local ledger: CI runs recorded while the database was down, a developer's run, a cut-short line.
  const ledger = [
    ledgerRun('prev-window', t(45), {durationMs: 30 * MIN, coverage: 71, pylintScore: 7.5, security: {passed: 5, total: 5, basis: 'gates'}}),
    ledgerRun('ci-1', t(25, -120), {durationMs: 50 * MIN, coverage: 75, pylintScore: 8, security: {passed: 4, total: 5, basis: 'gates'}}),
    ledgerRun('ci-3', t(15, -120), {durationMs: 70 * MIN, ok: false, exitCode: 1}),
    ledgerRun('ci-4', t(5), {durationMs: 40 * MIN, coverage: 78.5, pylintScore: 8.2, security: {passed: 5, total: 5, basis: 'gates'}}),
    ledgerRun('local-1', t(3), {where: 'local', ok: false, exitCode: 1, durationMs: 120 * MIN, coverage: 10, pylintScore: 2}),
  ]
  const commonDir = path.join(repo.dir, '.git', 'cicd')
  await mkdir(commonDir, {recursive: true})
  const lines = ledger.map((entry) => JSON.stringify(entry))
  lines.splice(3, 0, '{"v":1,"id":"cut-sho')
  await writeFile(path.join(commonDir, 'ledger.jsonl'), `${lines.join('\n')}\n`)

  const db = await connectPostgres({url: stateUrl, purpose: 'test state database'})
  try {
    await migrateState(db)
    await migrateMetrics(db)
    // CI runs in the database: one only there, one also in the local ledger (counted once).
    await insertRun(db, ledgerRun('ci-2', t(20, -120), {durationMs: 60 * MIN, security: {passed: 5, total: 5, basis: 'gates'}}))
    await insertRun(db, ledger[3])

    const release = async (environment: string, version: string, status: string, created: number, finished: number | null, deployed: number | null) => {
      const [row] = await db.query<{id: string}>(
        `insert into cicd.releases (environment, version, images, spec, slot, actor, status, created_at, finished_at)
         values ($1, $2, '{}', '{}', 0, 'ci', $3, $4, $5) returning id`,
        [environment, version, status, new Date(created), finished === null ? null : new Date(finished)],
      )
      const id = Number(row.id)
      if (deployed !== null) await db.query(`insert into cicd.audit (environment, actor, action, detail, at) values ($1, 'ci', 'deploy', $2, $3)`, [environment, {release: id, version}, new Date(deployed)])
      return id
    }
    const rollback = async (environment: string, currentId: number, started: number, finished: number) => {
      const [row] = await db.query<{id: string}>(
        `insert into cicd.runs (environment, operation, trigger, status, params, actor, started_at, finished_at)
         values ($1, 'rollback', 'manual', 'succeeded', $2, 'ops', $3, $4) returning id`,
        [environment, {currentId, targetId: currentId - 1}, new Date(started), new Date(finished)],
      )
      return Number(row.id)
    }
    const production = new StateStore(db, 'production', (s) => s)
    const incident = async (store: StateStore, runId: number | null, opened: number, updates: ('open' | 'escalated' | 'closed')[]) => {
      const created = runId === null
        ? (await db.query<{id: string}>(`insert into cicd.incidents (environment, severity, title, status) values ($1, 'ERROR', 'reported by hand', 'open') returning id`, [store.environment]))[0]
        : {id: String((await store.openIncident({runId, severity: 'CRITICAL', title: 'rollback'})).id)}
      const id = Number(created.id)
      for (const status of updates) await store.updateIncident(id, {status, summary: `now ${status}`})
      await db.query('update cicd.incidents set opened_at = $2 where id = $1', [id, new Date(opened)])
    }

    await release('production', 'v1', 'verified', t(40, -10), t(40), t(40))
    await release('production', 'v2', 'verified', t(25, -10), t(25), t(25))
    // v3 went live, then was rolled back: its finished_at moved to the rollback's end.
    const v3 = await release('production', `17-${c4.slice(0, 7)}`, 'rolled-back', t(20, -10), t(20, 80), t(20))
    const r1 = await rollback('production', v3, t(20, 60), t(20, 80))
    await incident(production, r1, t(20, 60), ['escalated', 'open', 'closed'])
    await incident(production, null, t(20, 30), ['closed'])
    const v4 = await release('production', 'v4', 'failed', t(15, -5), t(15), null)
    const r2 = await rollback('production', v4, t(15), t(15, 10))
    await incident(production, r2, t(15), ['closed'])
    await release('production', c7, 'verified', t(10, -10), t(10), t(10))

    // Staging: busy and unhealthy, none of it may reach production's numbers.
    const staging = new StateStore(db, 'staging', (s) => s)
    for (const days of [24, 19, 12]) await release('staging', 'v2', 'verified', t(days, -10), t(days), t(days))
    const s4 = await release('staging', 'v4', 'rolled-back', t(16, -10), t(16, 100), t(16))
    const rs = await rollback('staging', s4, t(16, 60), t(16, 100))
    await incident(staging, rs, t(16, 50), ['closed'])

    for (let i = 0; i < 200; i++) await insertProbe(db, {environment: 'production', ok: i !== 7, at: new Date(t(9, i))})
    for (let i = 0; i < 50; i++) await insertProbe(db, {environment: 'staging', ok: false, at: new Date(t(9, i))})
  } finally {
    await db.close()
  }
  return {repo, stateUrl}
}
