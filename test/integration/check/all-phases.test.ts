// `cicd check --all` through the CLI on the example platform: tests with coverage, the three images built
// in parallel on the real engine, each scanned by the Trivy STAND-IN (a replay of recorded real reports,
// test/fixtures/trivy-stand-in), the five gates, and the report folder. Then the ways the test phase stops
// the run: a failing test, and coverage under the gate.
import {execa} from 'execa'
import {readFile, readlink} from 'node:fs/promises'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../../helpers/cli.js'
import {requireDockerEngine, testDockerHost} from '../../helpers/docker.js'
import {createTempRepo, EXAMPLE_PLATFORM, type TempRepo} from '../../helpers/repo.js'

const TRIVY_STAND_IN = 'cicd-test/trivy-stand-in:1'

interface RunJson {
  exitCode: number
  reportDir?: string
  gates: {number: number; status: string}[]
  phases: {id: string; status: string; checks: {id: string; status: string; reason?: string; findings: {rule: string; file: string; message: string}[]; coverage?: {percent: number}}[]}[]
}

async function checkAll(repo: TempRepo, phases: string[] = ['--all']): Promise<RunJson & {stderr: string}> {
  const result = await runCli(['check', ...phases, '--runner', 'local', '--skip', 'safety', '--json', '--cwd', repo.dir], {
    env: {DOCKER_HOST: testDockerHost()},
    timeoutMs: 600_000,
  })
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
  return {...(JSON.parse(result.stdout) as RunJson), stderr: result.stderr}
}

const phase = (run: RunJson, id: string) => run.phases.find((p) => p.id === id)!

describe('cicd check --all', () => {
  let repo: TempRepo

  beforeAll(async () => {
    await requireDockerEngine()
    repo = await createTempRepo({from: EXAMPLE_PLATFORM})
    await repo.write('.cicdrc.json', JSON.stringify({scan: {image: TRIVY_STAND_IN}, checks: {bandit: {args: ['-x', 'tests/']}}}))
    await repo.commitAll('scan with the stand-in')
  })
  afterAll(() => repo?.remove())

  it('runs the four phases, reports coverage as coverage.py does, builds and scans three images, writes the report', async () => {
    const run = await checkAll(repo)
    expect(run.phases.map((p) => p.id)).toEqual(['static', 'test', 'build', 'scan'])
    const pytest = phase(run, 'test').checks[0]
    expect(pytest.status).toBe('passed')
    // coverage.py's own total for the same run, from the coverage.xml the run kept in its report folder.
    const {stdout} = await execa('/usr/bin/python3', ['-c', 'import sys,xml.dom.minidom as m; d=m.parse(sys.argv[1]).documentElement; print(float(d.getAttribute("line-rate"))*100)', path.join(run.reportDir!, 'coverage.xml')])
    expect(pytest.coverage!.percent).toBeCloseTo(Number(stdout), 2)
    expect(phase(run, 'build').checks.map((c) => [c.id, c.status]).sort()).toEqual([
      ['build:airflow', 'passed'],
      ['build:flink', 'passed'],
      ['build:spark', 'passed'],
    ])
    // The STAND-IN replays, per image: airflow a report with only LOW and MEDIUM (under the HIGH,CRITICAL
    // gate), spark 2 CRITICAL, flink 1 HIGH. The design: image findings alert, they do not block.
    const scans = new Map(phase(run, 'scan').checks.map((c) => [c.id, c]))
    expect([...scans.keys()].sort()).toEqual(['scan:airflow', 'scan:flink', 'scan:spark'])
    expect(scans.get('scan:airflow')!.status).toBe('passed')
    expect([scans.get('scan:spark')!.status, scans.get('scan:spark')!.findings.length]).toEqual(['warned', 2])
    expect([scans.get('scan:flink')!.status, scans.get('scan:flink')!.findings.length]).toEqual(['warned', 1])
    expect(run.gates.map((g) => g.number)).toEqual([1, 2, 3, 4, 5])
    expect(run.exitCode).toBe(0)
    expect(await readFile(path.join(run.reportDir!, 'index.html'), 'utf8')).toMatch(/Containers[\s\S]*Access control[\s\S]*Compliance/)
    expect(path.basename(await readlink(path.join(repo.dir, '.cicd/reports/latest')))).toBe(path.basename(run.reportDir!))
    expect(await repo.git('status', '--porcelain')).toBe('') // the report folder ignores itself
  }, 600_000)

  it('a failing test: exit 1, build and scan skipped with the reason', async () => {
    const failing = await createTempRepo({from: repo.dir})
    try {
      await failing.write('tests/test_broken.py', 'def test_broken():\n    assert 1 + 1 == 3\n')
      await failing.commitAll('a failing test')
      const run = await checkAll(failing)
      expect(run.exitCode).toBe(1)
      const pytest = phase(run, 'test').checks[0]
      expect(pytest.status).toBe('failed')
      expect(pytest.findings.map((f) => [f.rule, f.file])).toEqual([['test-failed', 'tests/test_broken.py']])
      expect(pytest.findings[0].message).toMatch(/test_broken/)
      for (const id of ['build', 'scan']) {
        expect(phase(run, id).status).toBe('skipped')
        expect(phase(run, id).checks[0].reason).toMatch(/test phase failed/)
      }
    } finally {
      await failing.remove()
    }
  }, 600_000)

  it('coverage under the gate: exit 1 with both numbers', async () => {
    const strict = await createTempRepo({from: repo.dir})
    try {
      await strict.write('.cicdrc.json', JSON.stringify({scan: {image: TRIVY_STAND_IN}, test: {coverage: {threshold: 99}}}))
      await strict.commitAll('a stricter gate')
      const run = await checkAll(strict, ['--phase', 'test'])
      expect(run.exitCode).toBe(1)
      const pytest = phase(run, 'test').checks[0]
      expect(pytest.status).toBe('failed')
      expect(pytest.reason).toMatch(/coverage \d+\.\d+% .* is under the 99% threshold/)
    } finally {
      await strict.remove()
    }
  }, 600_000)

  it('refuses --push on a developer machine', async () => {
    const result = await runCli(['check', '--push', '--cwd', repo.dir])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toMatch(/push/i)
  })
})
