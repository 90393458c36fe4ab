// `cicd check` replayed when nothing it depends on changed, through bin/run.js with the real tools on a
// copy of the example platform: the replay prints the same verdict and findings, exits with the same code,
// points at the same report and is recorded; every change to what a run depends on (a file's content, an
// untracked file, the arguments, the environment, a tool, the report folder) runs the checks again; CI and
// CICD_RECHECK never replay; a run during which the working tree changed is not remembered; and a replay
// writes nothing into the repository or its index.
import {copyFile, mkdtemp, readdir, readFile, readlink, rm, stat, utimes} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {rememberingRun} from '../../../src/replay/remember.js'
import type {RunResult} from '../../../src/pipeline/result.js'
import {REPO_ROOT, runCli, type CliResult} from '../../helpers/cli.js'
import {createTempRepo, EXAMPLE_PLATFORM, type TempRepo} from '../../helpers/repo.js'

interface CheckJson {
  ok: boolean
  exitCode: number
  startedAt: string
  replayOf?: string
  reportDir?: string
  phases: {id: string; checks: {id: string; status: string; cached: boolean; findings: {file: string; line: number; rule: string}[]}[]}[]
}

// flake8 from a directory of this test's own, first on PATH, so that the test can change the tool.
const TOOLS = await mkdtemp(path.join(os.tmpdir(), 'cicd-replay-tools-'))
await copyFile('/usr/bin/flake8', path.join(TOOLS, 'flake8'))
// ci-info reads CI=false as "not CI"; the CLI helper sets CI=true for every other test.
const LOCAL = {CI: 'false', PATH: `${TOOLS}:/usr/bin:${process.env.PATH}`}
const ARGS = ['check', '--phase', 'static', '--runner', 'local', '--skip', 'safety', '--json']

const repos: TempRepo[] = []
const dirs: string[] = [TOOLS]
afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.remove()))
  await Promise.all(dirs.map((dir) => rm(dir, {recursive: true, force: true})))
})

async function exampleRepo(): Promise<TempRepo> {
  const repo = await createTempRepo({from: EXAMPLE_PLATFORM, prefix: 'cicd-replay-'})
  repos.push(repo)
  // A finding under a blocking gate, so that the replayed verdict is a failure with findings.
  await repo.write('src/utils/unused.py', '"""Unused import."""\nimport os\n')
  const pyproject = await repo.read('pyproject.toml')
  await repo.write('pyproject.toml', pyproject.replace('[tool.cicd.checks.pylint]', '[tool.cicd.checks.flake8]\ngate = "block"\n\n[tool.cicd.checks.pylint]'))
  await repo.commitAll('initial')
  return repo
}

function parse(result: CliResult): CheckJson {
  expect(result.stdout, result.stderr).toMatch(/^\{/)
  return JSON.parse(result.stdout) as CheckJson
}

const verdictOf = (run: CheckJson) => run.phases.map((phase) => phase.checks.map((check) => ({id: check.id, status: check.status, findings: check.findings})))

async function check(repo: TempRepo, env: Record<string, string | undefined> = LOCAL, args: string[] = ARGS): Promise<{result: CliResult; run: CheckJson}> {
  const result = await runCli([...args, '--cwd', repo.dir], {cwd: repo.dir, env})
  return {result, run: parse(result)}
}

async function ledgerLines(repo: TempRepo): Promise<number> {
  const text = await readFile(path.join(repo.dir, '.git/cicd/ledger.jsonl'), 'utf8').catch(() => '')
  return text.split('\n').filter(Boolean).length
}

describe('cicd check replayed when nothing changed', () => {
  let repo: TempRepo
  let first: CheckJson

  beforeAll(async () => {
    repo = await exampleRepo()
    const cold = await check(repo)
    expect(cold.result.exitCode, cold.result.stderr).toBe(1)
    expect(cold.run.replayOf).toBeUndefined()
    first = cold.run
  }, 240_000)

  it('prints the same verdict and findings, exits the same, points at the same report, and is recorded', async () => {
    // The test's own `git status` may refresh the index's stat cache: it runs before the index is read.
    const statusBefore = await repo.git('status', '--porcelain', '--untracked-files=all')
    const indexBefore = await readFile(path.join(repo.dir, '.git/index'))
    const indexStat = await stat(path.join(repo.dir, '.git/index'))
    const recorded = await ledgerLines(repo)

    const again = await check(repo)
    expect(again.result.exitCode).toBe(1)
    expect(again.run.replayOf).toBe(first.startedAt)
    expect(verdictOf(again.run)).toEqual(verdictOf(first))
    expect(again.run.phases.flatMap((phase) => phase.checks).every((c) => c.cached)).toBe(true)
    expect(again.run.phases[0].checks.find((c) => c.id === 'flake8')?.findings).toEqual([expect.objectContaining({file: 'src/utils/unused.py', line: 2, rule: 'F401'})])
    expect(again.run.reportDir).toBe(first.reportDir)
    expect(path.basename(await readlink(path.join(repo.dir, '.cicd/reports/latest')))).toBe(path.basename(first.reportDir!))
    expect(await ledgerLines(repo)).toBe(recorded + 1)

    // The replay wrote nothing into the index (not even git's stat cache) or the working tree.
    expect(await readFile(path.join(repo.dir, '.git/index'))).toEqual(indexBefore)
    expect((await stat(path.join(repo.dir, '.git/index'))).mtimeMs).toBe(indexStat.mtimeMs)
    expect(await repo.git('status', '--porcelain', '--untracked-files=all')).toBe(statusBefore)
  }, 120_000)

  it('the human summary is replayed as well, with the run it repeats named', async () => {
    const human = await runCli(ARGS.filter((arg) => arg !== '--json').concat('--cwd', repo.dir), {cwd: repo.dir, env: LOCAL})
    // Different arguments: a run of its own first, remembered, then replayed.
    const replayed = await runCli(ARGS.filter((arg) => arg !== '--json').concat('--cwd', repo.dir), {cwd: repo.dir, env: LOCAL})
    expect(human.stderr).not.toMatch(/nothing cicd checks changed/)
    expect(replayed.exitCode).toBe(1)
    expect(replayed.stderr).toMatch(/nothing cicd checks changed since the run of \d{4}-\d\d-\d\dT/)
    expect(replayed.stdout).toMatch(/src\/utils\/unused\.py\n\s+2:1\s+error\s+flake8 F401/)
    expect(replayed.stdout).toMatch(/flake8\s+failed\s+1\s+0\.0s\s+cached/)
    const report = /report: (.+)\/index\.html/.exec(human.stderr)?.[1]
    expect(report).toBeDefined()
    expect(replayed.stderr).toContain(`report: ${report}/index.html`)
  }, 120_000)

  it('runs the checks again after any change to what the run depends on', async () => {
    const replayedAfter = async (change: () => Promise<void>, env: Record<string, string | undefined> = LOCAL, args: string[] = ARGS) => {
      await change()
      return (await check(repo, env, args)).run.replayOf !== undefined
    }
    expect((await check(repo)).run.replayOf).toBe(first.startedAt)

    // A tracked file's uncommitted change: the new finding is reported, not the remembered verdict.
    const source = await repo.read('src/utils/config.py')
    await repo.write('src/utils/config.py', `${source}\nimport sys\n`)
    const changed = await check(repo)
    expect(changed.run.replayOf).toBeUndefined()
    expect(changed.run.phases[0].checks.find((c) => c.id === 'flake8')?.findings.map((f) => f.file)).toContain('src/utils/config.py')
    await repo.write('src/utils/config.py', source)
    expect((await check(repo)).run.replayOf).toBe(first.startedAt)

    // An untracked file that git does not ignore.
    expect(await replayedAfter(() => repo.write('src/utils/extra.py', '"""Extra."""\n'))).toBe(false)
    await rm(path.join(repo.dir, 'src/utils/extra.py'))
    // Other arguments, another environment, CICD_RECHECK and CI.
    expect(await replayedAfter(async () => undefined, LOCAL, [...ARGS, '--quiet'])).toBe(false)
    expect(await replayedAfter(async () => undefined, {...LOCAL, PYLINTHOME: path.join(repo.dir, '.pylint.d')})).toBe(false)
    expect(await replayedAfter(async () => undefined, {...LOCAL, CICD_RECHECK: '1'})).toBe(false)
    expect(await replayedAfter(async () => undefined, {...LOCAL, CI: 'true'})).toBe(false)
    expect((await check(repo)).run.replayOf).toBe(first.startedAt)

    // The tool's file changed (an upgrade in place): its size or modification time differs.
    const later = new Date(Date.now() + 60_000)
    expect(await replayedAfter(() => utimes(path.join(TOOLS, 'flake8'), later, later))).toBe(false)

    // The report folder of the remembered run removed (its retention, or by hand). The run after the tool's
    // change is the one remembered now.
    const latest = await check(repo)
    expect(latest.run.replayOf).toBeDefined()
    await rm(latest.run.reportDir!, {recursive: true, force: true})
    expect(await replayedAfter(async () => undefined)).toBe(false)
  }, 300_000)
})

describe('which runs are remembered', () => {
  it('not a run during which the working tree changed, nor one with pytest (whose results the cache does not keep)', async () => {
    const repo = await exampleRepo()
    // The CLI's run (remembered) first, then the same result kept by hand for another invocation.
    const invocation = {argv: ['--phase', 'static'], cwd: repo.dir, env: process.env, packageRoot: REPO_ROOT}
    // --json leaves out how the run was decided; the CLI's own run was local, explicitly, with the cache on.
    const run = {...(await check(repo)).run, runnerChoice: 'local', resultCache: 'on'} as unknown as RunResult
    const memory = rememberingRun(invocation, false, (line) => expect.fail(line))
    // The edit comes after the start's snapshot (tens of milliseconds) and before the end's.
    await new Promise((resolve) => setTimeout(resolve, 2000))
    await repo.write('src/utils/config.py', `${await repo.read('src/utils/config.py')}\n# edited while the run ran\n`)
    await memory.keep(run)
    const memories = await readdir(path.join(repo.dir, '.git/cicd/runs'))
    // Only the CLI's own run (another invocation) was remembered.
    expect(memories).toHaveLength(1)
    // The same without the edit is remembered.
    const unchanged = rememberingRun(invocation, false, (line) => expect.fail(line))
    await unchanged.keep(run)
    expect(await readdir(path.join(repo.dir, '.git/cicd/runs'))).toHaveLength(2)

    const withTests = ['check', '--runner', 'local', '--skip', 'safety', '--json']
    const once = await check(repo, LOCAL, withTests)
    expect(once.run.phases.map((phase) => phase.id)).toEqual(['static', 'test'])
    expect((await check(repo, LOCAL, withTests)).run.replayOf).toBeUndefined()
  }, 240_000)
})

