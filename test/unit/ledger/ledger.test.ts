import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {entryFromRun} from '../../../src/ledger/entry.js'
import {appendEntry, ledgerFile, parseLedger, readLedgerFile} from '../../../src/ledger/file-ledger.js'
import type {RunResult} from '../../../src/pipeline/result.js'
import {sampleRun} from '../reports/run-result.js'

const context = {root: '/repo', branch: 'feature/x', commit: '0123456789abcdef', where: 'hook' as const}

describe('entryFromRun', () => {
  it('keeps what the metrics need: timing, statuses, severities, pylint score, security checks, place', () => {
    const result = sampleRun()
    const entry = entryFromRun(result, context, 'fixed-id')
    expect(entry).toMatchObject({v: 1, id: 'fixed-id', ok: false, exitCode: 1, durationMs: 9876, where: 'hook', branch: 'feature/x', commit: '0123456789abcdef', pylintScore: 8.5})
    expect(entry.startedAt).toBe(new Date(result.startedAt).toISOString())
    expect(entry.findings).toEqual({error: 1, warning: 5, note: 2}) // flake8 4 + black 1; safety 1 error; pylint 2 notes
    expect(entry.checks.find((c) => c.id === 'flake8')).toEqual({id: 'flake8', phase: 'static', status: 'failed', durationMs: 1250, cached: false, findings: {error: 0, warning: 4, note: 0}})
    // bandit passed, safety warned; pip-audit was skipped and does not count.
    expect(entry.security).toEqual({passed: 1, total: 2, basis: 'checks'})
    expect(entry.coverage).toBeNull()
  })

  it('prefers evaluated gates and reads coverage when the run carries them', () => {
    const result = {
      ...sampleRun(),
      coverage: {summary: {percent: 81.25}},
      gates: [{status: 'pass'}, {status: 'warn'}, {status: 'pass'}, {status: 'not-applicable'}, {status: 'skipped'}],
    } as unknown as RunResult
    const entry = entryFromRun(result, context)
    expect(entry.coverage).toBe(81.25)
    expect(entry.security).toEqual({passed: 2, total: 3, basis: 'gates'})
  })
})

describe('the ledger file', () => {
  let dir: string | undefined
  afterEach(async () => {
    if (dir) await rm(dir, {recursive: true, force: true})
  })

  it('lives under the git common dir and appends whole lines, also from concurrent writers', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-ledger-'))
    const file = ledgerFile(dir)
    expect(file).toBe(path.join(dir, 'cicd', 'ledger.jsonl'))
    const entries = Array.from({length: 40}, (_, i) => entryFromRun(sampleRun(), context, `id-${i}`))
    await Promise.all(entries.map((entry) => appendEntry(file, entry)))
    const read = await readLedgerFile(file)
    expect(read.corrupt).toEqual([])
    expect(read.entries.map((e) => e.id).sort()).toEqual(entries.map((e) => e.id).sort())
    expect((await readFile(file, 'utf8')).endsWith('\n')).toBe(true)
  })

  it('skips and reports corrupt lines: a cut-short line, a hand edit, a foreign version', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-ledger-'))
    const good = JSON.stringify(entryFromRun(sampleRun(), context, 'good'))
    const badType = JSON.stringify({...JSON.parse(good), id: 'bad', durationMs: 'slow'})
    const file = path.join(dir, 'ledger.jsonl')
    await writeFile(file, [good, '{"v":1,"id":"cut', badType, '', JSON.stringify({v: 2}), good.replace('good', 'good-2')].join('\n'))
    const read = await readLedgerFile(file)
    expect(read.entries.map((e) => e.id)).toEqual(['good', 'good-2'])
    expect(read.corrupt).toEqual([
      {line: 2, reason: 'not valid JSON (a cut-short or hand-edited line)'},
      {line: 3, reason: 'invalid durationMs'},
      {line: 5, reason: 'unknown ledger version 2'},
    ])
  })

  it('a missing ledger is an empty one', async () => {
    expect(await readLedgerFile('/nonexistent/cicd/ledger.jsonl')).toEqual({entries: [], corrupt: []})
    expect(parseLedger('\n\n')).toEqual({entries: [], corrupt: []})
  })
})
