// `cicd verify` and the deploy's verify step through the CLI, against real components: the deploy tests'
// HTTP service (deployed by `cicd deploy` behind a real nginx), PostgreSQL, a private redis-server, the
// Docker engine, the service's Prometheus-format /metrics, and Debian's pytest running the e2e-repo
// fixture's marked tests against the environment's variables.
import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {REPO_ROOT} from '../../helpers/cli.js'
import {startRedis, type RedisServer} from '../../helpers/redis.js'
import {cliProcess, createWorld, operatorCli, sql, type World} from '../operator/harness.js'

const E2E_REPO = path.join(REPO_ROOT, 'test/fixtures/e2e-repo')
const REDIS_PASSWORD = 'redis-pass-7f3a9c'
const KINDS = ['command', 'docker', 'error-rate', 'http', 'postgres', 'pytest', 'redis', 'tcp']

async function copyInto(world: World, from: string, relative = ''): Promise<void> {
  for (const entry of await readdir(path.join(from, relative), {withFileTypes: true})) {
    const file = path.join(relative, entry.name)
    if (entry.isDirectory()) await copyInto(world, from, file)
    else await world.repo.write(file, await readFile(path.join(from, file)))
  }
}

interface VerifyJson {
  ok: boolean
  checks: {name: string; kind: string; ok: boolean; evidence: string; details: string[]; durationMs: number}[]
}

describe('cicd verify on a deployed staging', () => {
  let world: World
  let redis: RedisServer
  const run = (args: string[], env: Record<string, string> = {}) => operatorCli(args, {cwd: world.repo.dir, env: {...world.env, TEST_REDIS_PASSWORD: REDIS_PASSWORD, TEST_EXPECT_VERSION: 'v1', ...env}})
  const hit = (pathname: string, init?: RequestInit) => fetch(`http://127.0.0.1:${world.nginx.port}${pathname}`, init)
  const secrets = () => [REDIS_PASSWORD, world.env.TEST_PD_KEY, 's3cr3t-slack-token']

  beforeAll(async () => {
    redis = await startRedis({password: REDIS_PASSWORD})
    world = await createWorld({environment: 'staging', branch: 'develop', instances: 1, readyTimeoutMs: 90_000})
    const service = `http://127.0.0.1:${world.nginx.port}`
    const config = JSON.parse(await world.repo.read('.cicdrc.json'))
    config.environments.staging.variables = {SERVICE_URL: service, E2E_EXPECT_VERSION: '${TEST_EXPECT_VERSION}'}
    config.environments.staging.verify = {watch: {intervalSeconds: 3}}
    config.environments.staging.checks = [
      {name: 'api-health', kind: 'http', url: '${SERVICE_URL}/health', json: {field: 'status', equals: 'ok'}, latencyMs: 2000},
      // What the operator expects the API to answer: a release answering another version fails integration.
      {name: 'api-version', kind: 'http', url: '${SERVICE_URL}/version', json: {field: 'version', equals: '${TEST_EXPECT_VERSION}'}},
      {name: 'app-db', kind: 'postgres', query: 'select count(*) from items', value: {min: 1}},
      {name: 'cache', kind: 'redis', url: `redis://:\${TEST_REDIS_PASSWORD}@127.0.0.1:${redis.port}/0`},
      {name: 'balancer-port', kind: 'tcp', port: world.nginx.port},
      {name: 'variables', kind: 'command', command: ['python3', '-c', 'import os, sys; sys.exit(0 if os.environ["DATABASE_URL"].startswith("postgres") and os.environ["CICD_ENVIRONMENT"] == "staging" else 3)']},
      {name: 'web-containers', kind: 'docker', service: 'web'},
      {name: 'api-errors', kind: 'error-rate', metrics: {url: '${SERVICE_URL}/metrics', total: 'http_requests_total', errors: 'http_requests_total{code=~"5.."}'}},
      {name: 'service-tests', kind: 'pytest', path: '/usr/bin/pytest'},
      {name: 'pipeline-flow', kind: 'pytest', suite: 'e2e', path: '/usr/bin/pytest', timeoutMs: 60_000},
    ]
    await world.repo.write('.cicdrc.json', JSON.stringify(config, null, 2))
    await copyInto(world, E2E_REPO)
    await world.repo.git('add', '-A')
    await world.repo.git('commit', '-qm', 'checks and the e2e tests')
    const first = await run(['deploy', '--env', 'staging', '--version', 'v1', '--yes'])
    expect(first.exitCode, first.stderr).toBe(0)
  }, 400_000)

  afterAll(async () => {
    await world?.dispose()
    await redis?.stop()
  })

  it('a healthy staging passes every kind of check, each with its evidence, and the deploy ran them', {timeout: 120_000}, async () => {
    const result = await run(['verify', '--env', 'staging', '--suite', 'all', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout) as VerifyJson
    expect(report.ok).toBe(true)
    expect([...new Set(report.checks.map((c) => c.kind))].sort()).toEqual(KINDS)
    const evidence = Object.fromEntries(report.checks.map((c) => [c.name, c.evidence]))
    expect(evidence['api-health']).toMatch(/^HTTP 200 in \d+ ms/)
    expect(evidence['app-db']).toMatch(/200/)
    expect(evidence.cache).toMatch(/PONG/)
    expect(evidence['pipeline-flow']).toMatch(/3 passed/)
    for (const secret of secrets()) expect(result.stdout + result.stderr).not.toContain(secret)

    // For a person: a verdict line, then one line per check with its kind, duration and evidence.
    const human = await run(['verify', '--env', 'staging'])
    expect(human.exitCode, human.stderr).toBe(0)
    const lines = human.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^Verify staging \(integration\): 9 of 9 checks passed in \d/)
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(1, 4))).toEqual(
      report.checks.filter((c) => c.name !== 'pipeline-flow').map((c) => ['ok', c.name, c.kind]),
    )

    // The deploy's verify step ran the same checks (integration and, on staging, e2e) and journaled them.
    const [journal] = await sql<{detail: {checks: {name: string; ok: boolean}[]}}>(world.stateUrl, `select detail from cicd.journal where step = 'verify' and event = 'finished' order by id limit 1`)
    expect(journal.detail.checks.map((c) => c.name).sort()).toEqual(report.checks.map((c) => c.name).sort())
    // Every http check's answer is a health probe for the availability metric.
    const probes = await sql<{target: string; ok: boolean}>(world.stateUrl, `select target, ok from cicd_metrics.probes where environment = 'staging'`)
    expect(probes.filter((p) => p.target === 'api-health' && p.ok).length).toBeGreaterThanOrEqual(1)
    // … and the dashboard's availability is computed from them.
    const metrics = await run(['metrics', '--env', 'staging', '--json'])
    expect(metrics.exitCode, metrics.stderr).toBe(0)
    const availability = (JSON.parse(metrics.stdout) as {metrics: {id: string; value: number | null}[]}).metrics.find((m) => m.id === 'availability')
    expect(availability?.value).toBe(100)
  })

  it('a broken /health fails the http check with its status; a failing e2e test is named', {timeout: 120_000}, async () => {
    expect((await hit('/control/health', {method: 'POST', body: '500'})).status).toBe(200)
    try {
      const broken = await run(['verify', '--env', 'staging'])
      expect(broken.exitCode, broken.stderr).toBe(1)
      expect(broken.stdout).toMatch(/FAILED: api-health/)
      expect(broken.stdout).toMatch(/FAIL api-health .*HTTP 500 \(expected 200\)/)
    } finally {
      await hit('/control/health', {method: 'POST', body: '200'})
    }
    const e2e = await run(['verify', '--env', 'staging', '--suite', 'e2e'], {TEST_EXPECT_VERSION: 'v9'})
    expect(e2e.exitCode, e2e.stderr).toBe(1)
    expect(e2e.stdout).toMatch(/FAIL pipeline-flow .*2 passed, 1 failed/)
    expect(e2e.stdout).toMatch(/tests\/e2e\/test_flow\.py::test_deployed_version: .*v9/)
  })

  it('--watch sends one WARNING for an error spike, its resolution, and stops at the end of the window', {timeout: 120_000}, async () => {
    const started = Date.now()
    const child = cliProcess(['verify', '--env', 'staging', '--watch', '12s', '--interval', '4s'], {cwd: world.repo.dir, env: {...world.env, TEST_REDIS_PASSWORD: REDIS_PASSWORD, TEST_EXPECT_VERSION: 'v1'}})
    let stderr = ''
    let spike: Promise<void> | undefined
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      // After the first round, 30 failing requests straight to the instance (tens of milliseconds, well
      // inside the 4 s before the next round) make the second round's error rate jump.
      if (!spike && stderr.includes('round 1:')) {
        spike = (async () => {
          for (let i = 0; i < 30; i++) await (await fetch(`http://127.0.0.1:${world.basePort}/fail`)).text()
        })()
      }
    })
    const result = await child
    await spike
    const elapsed = Date.now() - started
    expect(result.exitCode, stderr).toBe(1)
    expect(stderr).toMatch(/round 1: all checks passed/)
    expect(stderr).toMatch(/round 2: FAILED api-errors; WARNING api-errors: error rate .* above 1\.0%; sent WARNING verify:staging:api-errors$/m)
    expect(stderr).toMatch(/round 3: all checks passed; sent resolved verify:staging:api-errors$/m)
    expect(String(result.stdout)).toMatch(/Watched staging for 12 s: 3 round\(s\) every 4\.0 s, 1 problem\(s\) seen, 1 alert\(s\) sent, 1 resolution\(s\)/)
    // It stopped by itself: three rounds, not a fourth.
    expect(stderr).not.toMatch(/round 4:/)
    expect(elapsed).toBeLessThan(60_000)
    const warnings = world.sinks.received.filter((r) => r.channel === 'hook' && r.body.level === 'WARNING')
    expect(warnings).toHaveLength(1)
    expect(String(warnings[0].body.title)).toBe('api-errors: threshold crossed')
  })

  it('a check naming a variable nobody set stops a deploy while it is planned, before anything changes', {timeout: 120_000}, async () => {
    const env = {...world.env, TEST_REDIS_PASSWORD: REDIS_PASSWORD}
    const result = await operatorCli(['deploy', '--env', 'staging', '--version', 'v2', '--yes'], {cwd: world.repo.dir, env})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('refers to ${TEST_EXPECT_VERSION}, which is not set')
    const releases = await sql<{id: number}>(world.stateUrl, 'select id from cicd.releases')
    expect(releases).toHaveLength(1)
  })

  it('a deploy whose integration suite fails is rolled back, exits 4, and the release and incident name the check', {timeout: 400_000}, async () => {
    const deploy = await run(['deploy', '--env', 'staging', '--version', 'v2', '--yes'])
    expect(deploy.exitCode, deploy.stdout + deploy.stderr).toBe(4)
    expect(deploy.stderr).toMatch(/check api-version \(http\) failed: version = "v2" \(expected "v1"\)/)
    expect(deploy.stderr).toMatch(/Rolled back automatically to release #1 \(v1\)/)
    expect(JSON.parse(await (await hit('/version')).text()).version).toBe('v1')

    const releases = await sql<{id: number; status: string; note: string | null}>(world.stateUrl, 'select id, status, note from cicd.releases order by id')
    expect(releases.map((r) => r.status)).toEqual(['verified', 'failed'])
    expect(releases[1].note).toContain('check api-version (http) failed')
    const incidents = await sql<{title: string; status: string}>(world.stateUrl, 'select title, status from cicd.incidents order by id')
    expect(incidents).toHaveLength(1)
    expect(incidents[0].title).toContain('check api-version (http) failed')
    expect(incidents[0].status).toBe('closed')
    for (const secret of secrets()) expect(deploy.stdout + deploy.stderr).not.toContain(secret)
  })

  it('a stopped Redis fails its check with the evidence, and the password never shows', {timeout: 120_000}, async () => {
    await redis.stop()
    const result = await run(['verify', '--env', 'staging', '--json'])
    expect(result.exitCode, result.stderr).toBe(1)
    const report = JSON.parse(result.stdout) as VerifyJson
    expect(report.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['cache'])
    expect(report.checks.find((c) => c.name === 'cache')!.evidence).toMatch(/refused/)
    for (const secret of secrets()) expect(result.stdout + result.stderr).not.toContain(secret)
  })
})
