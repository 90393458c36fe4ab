// recordRun, the ledger's write side `cicd check` calls after every run: locally into the ledger under git's
// common dir (shared by worktrees), in CI into the state database when one is configured, and back to the
// file with a warning when that database cannot be reached. Never a failure.
import {randomBytes} from 'node:crypto'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {connectPostgres} from '../../../src/adapters/postgres.js'
import {readRuns} from '../../../src/ledger/db-ledger.js'
import {readLedgerFile} from '../../../src/ledger/file-ledger.js'
import {recordRun} from '../../../src/ledger/record.js'
import {createTempRepo, type TempRepo} from '../../helpers/repo.js'
import {sampleRun} from '../../unit/reports/run-result.js'
import {dbUrl, freePort, PG_URL, requirePostgres, sql} from '../operator/harness.js'

const dbName = `cicd_ledger_${randomBytes(4).toString('hex')}`
let repo: TempRepo
let worktrees: string

beforeAll(async () => {
  await requirePostgres()
  await sql(PG_URL, `create database ${dbName}`)
  repo = await createTempRepo({prefix: 'cicd-record-'})
  await repo.write('README.md', 'x\n')
  await repo.commitAll()
  worktrees = await mkdtemp(path.join(os.tmpdir(), 'cicd-record-wt-'))
})

afterAll(async () => {
  await repo?.remove()
  if (worktrees) await rm(worktrees, {recursive: true, force: true})
  await sql(PG_URL, `drop database if exists ${dbName} with (force)`)
})

describe('recordRun', () => {
  it('a local run goes to the ledger under the common dir, from a linked worktree too', async () => {
    const linked = path.join(worktrees, 'wt')
    await repo.git('worktree', 'add', '-q', linked)
    const warnings: string[] = []
    const where = await recordRun(sampleRun(), {root: linked, branch: 'wt', commit: 'abc', where: 'hook'}, {warn: (l) => warnings.push(l)})
    expect(where).toEqual({kind: 'file', file: path.join(repo.dir, '.git', 'cicd', 'ledger.jsonl')})
    const read = await readLedgerFile(path.join(repo.dir, '.git', 'cicd', 'ledger.jsonl'))
    expect(read.entries.map((e) => [e.where, e.branch])).toEqual([['hook', 'wt']])
    expect(warnings).toEqual([])
  })

  it('a CI run goes to the state database when one is configured', async () => {
    await repo.write('.cicdrc.json', JSON.stringify({environments: {production: {stateDatabase: {url: dbUrl(dbName)}}}}))
    const where = await recordRun(sampleRun(), {root: repo.dir, branch: 'main', commit: 'def', where: 'ci'}, {warn: () => {}})
    expect(where).toEqual({kind: 'database', environment: 'production'})
    const db = await connectPostgres({url: dbUrl(dbName), purpose: 'test'})
    try {
      const runs = await readRuns(db, new Date(0))
      expect(runs.entries.map((e) => [e.where, e.branch, e.commit])).toEqual([['ci', 'main', 'def']])
    } finally {
      await db.close()
    }
  })

  it('an unreachable state database: the run goes to the local ledger, with a warning, and nothing throws', async () => {
    const port = await freePort()
    await repo.write('.cicdrc.json', JSON.stringify({environments: {production: {stateDatabase: {url: `postgres://u:pw-secret@127.0.0.1:${port}/x`}}}}))
    const warnings: string[] = []
    const where = await recordRun(sampleRun(), {root: repo.dir, branch: 'main', commit: 'f00', where: 'ci'}, {warn: (l) => warnings.push(l)})
    expect(where.kind).toBe('file')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^warning: could not record this run in the state database \(.*unreachable.*\); it goes to the local ledger instead$/)
    expect(warnings[0]).not.toContain('pw-secret')
  })

  it('an invalid configuration or a non-repository is a warning, not a failure', async () => {
    await repo.write('.cicdrc.json', '{"environments": 3}')
    const warnings: string[] = []
    const outside = await mkdtemp(path.join(os.tmpdir(), 'cicd-record-none-'))
    try {
      await recordRun(sampleRun(), {root: repo.dir, branch: 'main', commit: 'f00', where: 'ci'}, {warn: (l) => warnings.push(l)})
      const none = await recordRun(sampleRun(), {root: outside, branch: null, commit: null, where: 'local'}, {warn: (l) => warnings.push(l)})
      expect(none).toEqual({kind: 'none'})
      expect(warnings).toHaveLength(2)
      expect(warnings[1]).toContain('`cicd metrics` will not count it')
    } finally {
      await rm(outside, {recursive: true, force: true})
      await repo.write('.cicdrc.json', '{}')
    }
  })
})
