// The replay's rules without git: which invocations may be replayed, which results remembered, what a
// replayed result says, and the bound on remembered runs.
import {mkdtemp, readdir, rm, utimes, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {writeMemory} from '../../../src/cache/remembered-runs.js'
import type {CheckResult, RunResult} from '../../../src/pipeline/result.js'
import {type InvocationKey, keyAtStart, replayableInvocation, shareKeyOfStart, targetDirectory} from '../../../src/replay/invocation.js'
import {rememberable} from '../../../src/replay/remember.js'
import {asReplay} from '../../../src/replay/run-memory.js'

const invocation = (argv: string[], env: NodeJS.ProcessEnv = {}) => ({argv, cwd: '/work/repo', env, packageRoot: '/opt/cicd'})

function check(id: string, overrides: Partial<CheckResult> = {}): CheckResult {
  return {id, tool: id, phase: id === 'pytest' ? 'test' : 'static', status: 'passed', cached: false, durationMs: 1200, findings: [], gate: 'warn', toolPath: `/usr/bin/${id}`, ...overrides}
}

function run(checks: CheckResult[], overrides: Partial<RunResult> = {}): RunResult {
  const phases = [...new Set(checks.map((c) => c.phase))].map((id) => ({id, status: 'passed' as const, durationMs: 1500, checks: checks.filter((c) => c.phase === id)}))
  return {ok: true, exitCode: 0, durationMs: 1600, runner: 'local', runnerChoice: 'local', resultCache: 'on', root: '/work/repo', startedAt: '2026-11-26T10:00:00.000Z', reportDir: '/work/repo/.cicd/reports/x', phases, ...overrides}
}

describe('replayable invocations', () => {
  it('replays a local run, but never in CI, with CICD_RECHECK, reports, debug output, the cache off or help', () => {
    expect(replayableInvocation(invocation(['--phase', 'static', '--json']), false)).toBe(true)
    expect(replayableInvocation(invocation(['--phase', 'static']), true)).toBe(false)
    expect(replayableInvocation(invocation([], {CICD_RECHECK: '1'}), false)).toBe(false)
    for (const flag of ['--ci', '--report', '--report=junit=x.xml', '--verbose', '--no-cache', '--help', '-h']) {
      expect(replayableInvocation(invocation(['--phase', 'static', flag]), false), flag).toBe(false)
    }
    // A value that merely contains a flag's name is not the flag.
    expect(replayableInvocation(invocation(['--only', 'flake8', '--skip', 'report']), false)).toBe(true)
  })

  it('checks the --cwd directory, relative to where the command was typed', () => {
    expect(targetDirectory(invocation([]))).toBe('/work/repo')
    expect(targetDirectory(invocation(['--cwd', '../other']))).toBe('/work/other')
    expect(targetDirectory(invocation(['--json', '--cwd=/srv/platform']))).toBe('/srv/platform')
  })
})

describe("the fast path's key, handed to the command", () => {
  // A directory that is no repository: a key computed anew fails there, the one handed over does not.
  const outside = (argv: string[], env: NodeJS.ProcessEnv = {PATH: '/usr/bin'}) => ({argv, cwd: os.tmpdir(), env, packageRoot: '/opt/cicd'})
  const handed = () => Promise.resolve({key: 'from the fast path'} as InvocationKey)
  const keyOf = async (promise: Promise<InvocationKey>) => (await promise.catch(() => ({key: 'computed anew'}))).key

  it('is taken once, by the same invocation (an equal copy of it)', async () => {
    shareKeyOfStart(outside(['--phase', 'static']), handed())
    expect(await keyOf(keyAtStart(outside(['--phase', 'static'], {PATH: '/usr/bin', _: '/usr/bin/cicd'})))).toBe('from the fast path')
    expect(await keyOf(keyAtStart(outside(['--phase', 'static'])))).toBe('computed anew')
  })

  it('is not taken by another invocation: other arguments, environment or cicd', async () => {
    for (const other of [outside(['--phase', 'test']), outside(['--phase', 'static'], {PATH: '/bin'}), {...outside(['--phase', 'static']), packageRoot: '/opt/other'}]) {
      shareKeyOfStart(outside(['--phase', 'static']), handed())
      expect(await keyOf(keyAtStart(other))).toBe('computed anew')
    }
  })
})

describe('remembered runs', () => {
  it('remembers runs of checks the result cache keeps, cached or not, and skipped ones', () => {
    expect(rememberable(run([check('flake8'), check('pylint', {cached: true}), check('safety', {status: 'skipped', toolPath: undefined})]))).toBe(true)
    expect(rememberable(run([check('flake8', {status: 'failed', findings: [{tool: 'flake8', rule: 'F401', severity: 'error', file: 'a.py', line: 1, column: 1, message: 'unused'}]})], {ok: false, exitCode: 1}))).toBe(true)
  })

  it('not an error, the dependency audit or pytest that ran, another runner choice, the cache off, or no report', () => {
    expect(rememberable(run([check('flake8', {status: 'error'})]))).toBe(false)
    expect(rememberable(run([check('flake8'), check('safety')]))).toBe(false)
    expect(rememberable(run([check('flake8'), check('pytest')]))).toBe(false)
    expect(rememberable(run([check('flake8')], {runnerChoice: 'auto'}))).toBe(false)
    expect(rememberable(run([check('flake8')], {runner: 'container', runnerChoice: 'container'}))).toBe(false)
    expect(rememberable(run([check('flake8')], {resultCache: 'off'}))).toBe(false)
    expect(rememberable(run([check('flake8')], {reportDir: undefined}))).toBe(false)
    expect(rememberable(run([]))).toBe(false)
  })

  it('a replay starts now, names the run it repeats, and answers every check that ran from memory', () => {
    const remembered = run([check('flake8'), check('safety', {status: 'skipped', toolPath: undefined})])
    const replay = asReplay(remembered, '2026-11-26T11:00:00.000Z', 42)
    expect(replay).toMatchObject({startedAt: '2026-11-26T11:00:00.000Z', durationMs: 42, replayOf: remembered.startedAt, reportDir: remembered.reportDir, exitCode: 0})
    expect(replay.phases[0].checks.map((c) => [c.id, c.cached, c.durationMs])).toEqual([
      ['flake8', true, 0],
      ['safety', false, 0],
    ])
  })
})

describe('the memory directory', () => {
  const dirs: string[] = []
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, {recursive: true, force: true})))
  })

  it('keeps the newest entries up to the bound, drops expired ones and stale leftovers of writers', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-memory-'))
    dirs.push(dir)
    const day = 86_400_000
    const age = async (name: string, ms: number) => utimes(path.join(dir, name), new Date(Date.now() - ms), new Date(Date.now() - ms))
    for (const [index, name] of ['a.json', 'b.json', 'c.json'].entries()) {
      await writeFile(path.join(dir, name), '{}')
      await age(name, (index + 1) * 1000)
    }
    await writeFile(path.join(dir, 'old.json'), '{}')
    await age('old.json', 40 * day)
    await writeFile(path.join(dir, 'd.json.123.tmp'), '{')
    await age('d.json.123.tmp', 40 * day)
    await writeFile(path.join(dir, 'e.json.456.tmp'), '{')

    await writeMemory(path.join(dir, 'new.json'), {fresh: true}, {maxAgeDays: 30, maxEntries: 3})
    // Room made for the new entry: the two newest of a, b and c stay; a fresh .tmp is a writer's in progress.
    expect((await readdir(dir)).sort()).toEqual(['a.json', 'b.json', 'e.json.456.tmp', 'new.json'])
  })
})
