// `cicd metrics` through the CLI against a real PostgreSQL state database and a real git history, seeded
// with known runs, deployments, rollbacks, incidents and probes (seed.ts); every metric is compared with a
// value worked out by hand. Prometheus output is checked with promtool and a real Pushgateway; the HTML
// dashboard is rendered by headless Chromium.
import {randomBytes} from 'node:crypto'
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {execa, type ResultPromise} from 'execa'
import {chromium} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {connectPostgres} from '../../../src/adapters/postgres.js'
import {pgDedupStore} from '../../../src/alerts/pg-dedup.js'
import type {MetricsReport} from '../../../src/metrics/report.js'
import {createTempRepo} from '../../helpers/repo.js'
import {dbUrl, freePort, operatorCli, PG_URL, requirePostgres, sql} from '../operator/harness.js'
import {seed, type Seeded} from './seed.js'

const CHROMIUM = '/usr/bin/chromium'
const PUSHGATEWAY = '/usr/bin/prometheus-pushgateway'
const dbName = `cicd_metrics_${randomBytes(4).toString('hex')}`
let seeded: Seeded
let out: string

beforeAll(async () => {
  await requirePostgres()
  for (const binary of [CHROMIUM, PUSHGATEWAY, '/usr/bin/promtool']) {
    await stat(binary).catch(() => {
      throw new Error(`${binary} is missing: run scripts/provision/prometheus.sh and scripts/provision/chromium.sh (as root)`)
    })
  }
  await sql(PG_URL, `create database ${dbName}`)
  // Whole seconds: git keeps commit times in seconds.
  seeded = await seed({now: Math.floor(Date.now() / 1000) * 1000, stateUrl: dbUrl(dbName)})
  out = await mkdtemp(path.join(os.tmpdir(), 'cicd-metrics-out-'))
}, 60_000)

afterAll(async () => {
  await seeded?.repo.remove()
  if (out) await rm(out, {recursive: true, force: true})
  await sql(PG_URL, `drop database if exists ${dbName} with (force)`)
})

async function metricsJson(args: string[], cwd = seeded.repo.dir): Promise<{report: MetricsReport; stderr: string}> {
  const result = await operatorCli(['metrics', '--json', ...args], {cwd})
  expect(result.exitCode, result.stderr).toBe(0)
  return {report: JSON.parse(result.stdout) as MetricsReport, stderr: result.stderr}
}

const values = (report: MetricsReport) => Object.fromEntries(report.metrics.map((m) => [m.id, m.value]))

describe('cicd metrics on seeded records', () => {
  it('production: every metric equals the hand-computed value', async () => {
    const {report} = await metricsJson([])
    const v = values(report)
    // CI runs: ci-1 (file), ci-2 (database), ci-3 (failed), ci-4 (file and database, once): 3 of 4, mean 55 min.
    expect(v.buildSuccessRate).toBe(75)
    expect(v.avgBuildMinutes).toBe(55)
    expect(v.coverage).toBe(78.5)
    expect(v.codeQuality).toBe(8.2)
    expect(v.securityScore).toBeCloseTo((100 * 14) / 15, 9)
    // v2, v3 (rolled back), v4 (failed), c7: 3 successful of 4.
    expect(v.deploymentsPerMonth).toBe(3)
    expect(v.deploymentSuccessRate).toBe(75)
    // Lead times 24 h, 12 h (v2); 24 h (v3); 144 h, 24 h, 12 h (c7 ships c5, c6, c7): median 24 h.
    expect(v.leadTimeHours).toBeCloseTo(24, 6)
    // v3 (three incident updates, two incidents, one rollback) and v4: 2 of 4, counted once each.
    expect(v.changeFailureRate).toBe(50)
    // v3: 50 min from the hand-reported incident to the rollback's end; v4: 10 min.
    expect(v.mttrMinutes).toBeCloseTo(30, 6)
    expect(v.availability).toBe(99.5)
    expect(report.counts).toMatchObject({builds: 4, failedBuilds: 1, deployments: 4, successfulDeployments: 3, failedChanges: 2, failures: 2, unrestored: 0, probes: 200})
    // The previous window: one passing CI run of 30 min, v1 deployed with a 24 h lead time.
    const previous = Object.fromEntries(report.metrics.map((m) => [m.id, m.previous]))
    expect(previous).toMatchObject({buildSuccessRate: 100, avgBuildMinutes: 30, deploymentsPerMonth: 1, deploymentSuccessRate: 100, changeFailureRate: 0})
    expect(previous.leadTimeHours).toBeCloseTo(24, 6)
    // The cut-short line is skipped and reported.
    expect(report.sources).toMatchObject({localRuns: 5, databaseRuns: 2, stateDatabase: 'read'})
    expect(report.sources.corrupt).toEqual([{line: 4, reason: 'not valid JSON (a cut-short or hand-edited line)'}])
    expect(report.warnings).toEqual([expect.stringMatching(/^Skipped 1 corrupt line of .*ledger\.jsonl \(line 4: not valid JSON/)])
  })

  it("staging's records are its own: its deployments, failures and probes", async () => {
    const v = values((await metricsJson(['--env', 'staging'])).report)
    expect(v.deploymentsPerMonth).toBe(4)
    expect(v.deploymentSuccessRate).toBe(100)
    expect(v.changeFailureRate).toBe(25)
    expect(v.mttrMinutes).toBeCloseTo(50, 6)
    expect(v.availability).toBe(0)
  })

  it('a window without deployments says so', async () => {
    const {report} = await metricsJson(['--window', '2d'])
    const byId = Object.fromEntries(report.metrics.map((m) => [m.id, m]))
    expect(byId.deploymentsPerMonth.value).toBe(0)
    expect(byId.deploymentSuccessRate.value).toBeNull()
    expect(byId.deploymentSuccessRate.basis).toBe('no deployments to production in the window')
    const text = await operatorCli(['metrics', '--window', '2d'], {cwd: seeded.repo.dir})
    expect(text.stdout).toContain('No deployments to production in this window.')
  })

  it('the terminal dashboard has the design bars, values, targets and trends', async () => {
    const result = await operatorCli(['metrics'], {cwd: seeded.repo.dir})
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(/Success Rate: +█+░+ 75% +Target: > 95%/)
    expect(result.stdout).toMatch(/Change Fail Rate: +[█░]+ 50% +Target: < 5% +Trend: ↑ \(was 0%\)/)
    expect(result.stdout).toContain('Failed Builds:       1/4')
  })

  it('an unknown environment is a usage error that lists the configured ones', async () => {
    const result = await operatorCli(['metrics', '--env', 'qa'], {cwd: seeded.repo.dir})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('Unknown environment "qa"')
    expect(result.stderr).toContain('Configured environments: production, staging')
  })
})

describe('Prometheus', () => {
  it('writes a textfile promtool accepts, with documented names and labels', async () => {
    const file = path.join(out, 'cicd.prom')
    const result = await operatorCli(['metrics', '--prometheus', file], {cwd: seeded.repo.dir})
    expect(result.exitCode, result.stderr).toBe(0)
    const text = await readFile(file, 'utf8')
    const check = await execa('promtool', ['check', 'metrics'], {input: text, reject: false})
    expect(check.exitCode, `${check.stdout}${check.stderr}`).toBe(0)
    expect(text).toContain('cicd_change_failure_ratio{environment="production",window="30d"} 0.5')
    expect(text).toContain('cicd_metric_target{environment="production",window="30d",metric="cicd_availability_ratio"} 0.995')
  })

  it('pushes to a real Pushgateway, which parses and serves the samples', async () => {
    const port = await freePort()
    const gateway: ResultPromise = execa(PUSHGATEWAY, [`--web.listen-address=127.0.0.1:${port}`], {reject: false})
    try {
      await waitFor(`http://127.0.0.1:${port}/-/ready`)
      const result = await operatorCli(['metrics', '--pushgateway', `http://127.0.0.1:${port}`, '--json'], {cwd: seeded.repo.dir})
      expect(result.exitCode, result.stderr).toBe(0)
      const served = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      expect(served).toMatch(/cicd_build_success_ratio\{environment="production",instance="",job="cicd_metrics",window="30d"\} 0\.75/)
      expect(served).toMatch(/cicd_time_to_restore_seconds_mean\{environment="production",instance="",job="cicd_metrics",window="30d"\} 1800/)
    } finally {
      gateway.kill('SIGTERM')
      await gateway
    }
  })

  it('a Pushgateway that refuses: exit 3, named, with the alternative', async () => {
    const port = await freePort()
    const result = await operatorCli(['metrics', '--pushgateway', `http://127.0.0.1:${port}`], {cwd: seeded.repo.dir})
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toContain(`The Pushgateway at http://127.0.0.1:${port}`)
    expect(result.stderr).toContain('cicd metrics --prometheus FILE')
    expect(result.stderr).not.toContain('    at ')
  })
})

describe('the HTML dashboard', () => {
  it('renders in headless Chromium with the charts and the values', async () => {
    const file = path.join(out, 'metrics.html')
    const result = await operatorCli(['metrics', '--html', file], {cwd: seeded.repo.dir})
    expect(result.exitCode, result.stderr).toBe(0)
    const browser = await chromium.launch({executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu']})
    try {
      const page = await browser.newPage({viewport: {width: 1280, height: 900}})
      const requests: string[] = []
      page.on('request', (request) => requests.push(request.url()))
      await page.goto(`file://${file}`)
      const shot = path.join(out, 'metrics.png')
      await page.screenshot({path: shot, fullPage: true})
      expect((await stat(shot)).size).toBeGreaterThan(20_000)
      expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([])
      expect(await page.locator('[data-metric="changeFailureRate"] .value').innerText()).toBe('50%')
      expect(await page.locator('[data-metric="mttrMinutes"] .value').innerText()).toBe('30min')
      expect(await page.locator('[data-metric="leadTimeHours"] .value').innerText()).toBe('1day')
      for (const chart of ['chart-builds', 'chart-build-time', 'chart-deployments', 'chart-quality', 'chart-availability']) {
        const box = await page.locator(`#${chart}`).boundingBox()
        expect(box?.width, chart).toBeGreaterThan(300)
        expect(box?.height, chart).toBeGreaterThan(80)
      }
      // Three successful deployments and one failed one are drawn as bars.
      expect(await page.locator('#chart-deployments rect').count()).toBe(4)
      expect(await page.locator('#chart-builds rect').count()).toBe(4)
    } finally {
      await browser.close()
    }
  })
})

describe('alert de-duplication in the state database', () => {
  it('remembers the last alert per key across connections, and forgets it on resolution', async () => {
    const first = await connectPostgres({url: seeded.stateUrl, purpose: 'test'})
    const second = await connectPostgres({url: seeded.stateUrl, purpose: 'test'})
    try {
      await pgDedupStore(first).remember('incident-7', {level: 'ERROR', sentAt: Date.parse('2026-03-10T10:00:00Z')})
      await pgDedupStore(first).remember('incident-7', {level: 'CRITICAL', sentAt: Date.parse('2026-03-10T10:05:00Z')})
      expect(await pgDedupStore(second).last('incident-7')).toEqual({level: 'CRITICAL', sentAt: Date.parse('2026-03-10T10:05:00Z')})
      await pgDedupStore(second).forget('incident-7')
      expect(await pgDedupStore(first).last('incident-7')).toBeUndefined()
    } finally {
      await first.close()
      await second.close()
    }
  })
})

describe('bad input', () => {
  it('an empty ledger: the dashboard says there is no data yet and how to get some', async () => {
    const repo = await createTempRepo({prefix: 'cicd-metrics-empty-'})
    try {
      const result = await operatorCli(['metrics'], {cwd: repo.dir})
      expect(result.exitCode).toBe(0)
      expect(result.stdout).toContain('No data yet')
      expect(result.stdout).toMatch(/cicd check +every run is recorded/)
    } finally {
      await repo.remove()
    }
  })

  it('an unreachable state database: local metrics still shown, with a warning', async () => {
    const repo = await createTempRepo({prefix: 'cicd-metrics-nodb-'})
    try {
      const port = await freePort()
      await repo.write('.cicdrc.json', JSON.stringify({environments: {production: {stateDatabase: {url: `postgres://cicd:s3cret@127.0.0.1:${port}/state`}}}}))
      const entries = await readFile(path.join(seeded.repo.dir, '.git', 'cicd', 'ledger.jsonl'), 'utf8')
      await repo.write('.git/cicd/ledger.jsonl', entries)
      const {report} = await metricsJson([], repo.dir)
      expect(report.sources.stateDatabase).toBe('unreachable')
      // ci-1, ci-3 and ci-4 from the local ledger: 2 of 3 passed.
      expect(values(report).buildSuccessRate).toBeCloseTo((100 * 2) / 3, 9)
      expect(values(report).deploymentSuccessRate).toBeNull()
      const text = await operatorCli(['metrics'], {cwd: repo.dir})
      expect(text.exitCode).toBe(0)
      expect(text.stdout).toMatch(/Success Rate: +[█░]+ 66\.7%/)
      expect(text.stderr).toContain('warning: The state database could not be read')
      expect(text.stderr).toContain('warning: Skipped 1 corrupt line')
      expect(`${text.stdout}${text.stderr}${JSON.stringify(report)}`).not.toContain('s3cret')
    } finally {
      await repo.remove()
    }
  })
})

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(url).then((r) => r.ok, () => false)
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url} did not become ready`)
}
