// The HTML build report rendered by a real browser: Debian's chromium (scripts/provision/chromium.sh),
// headless, driven by playwright-core. The report comes from a real pytest run on the example platform;
// the test takes a screenshot and checks that the phases, the coverage and the five gates are on it.
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {chromium} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createPytestCheck, parsePytest, pytestEnv, type PytestOptions} from '../../../src/checks/pytest.js'
import {gatesSchema} from '../../../src/config/sections/gates.js'
import {coverageVerdict} from '../../../src/coverage/gate.js'
import {evaluateGates} from '../../../src/gates/evaluate.js'
import type {CheckResult, RunResult} from '../../../src/pipeline/result.js'
import {writeReportFolder} from '../../../src/reports/report-folder.js'
import {createLocalRunner} from '../../../src/runners/local.js'
import {createTempRepo, EXAMPLE_PLATFORM, type TempRepo} from '../../helpers/repo.js'

const CHROMIUM = '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

let repo: TempRepo
let out: string

beforeAll(async () => {
  await stat(CHROMIUM).catch(() => {
    throw new Error(`${CHROMIUM} is missing: run scripts/provision/chromium.sh (as root)`)
  })
  repo = await createTempRepo({from: EXAMPLE_PLATFORM, prefix: 'cicd-html-'})
  out = await mkdtemp(path.join(os.tmpdir(), 'cicd-html-shot-'))
})

afterAll(async () => {
  await repo?.remove()
  if (out) await rm(out, {recursive: true, force: true})
})

async function realRun(): Promise<{run: RunResult; coverageXml: string; percent: number; tests: number}> {
  const options: PytestOptions = {paths: [], args: [], coverage: {enabled: true, source: []}, noTestsCollected: 'fail'}
  const runner = createLocalRunner({paths: {pytest: '/usr/bin/pytest'}})
  try {
    const check = createPytestCheck(options)
    const outputDir = await runner.outputDir('pytest')
    const output = await runner.run({argv: check.argv([], {args: []}, outputDir), cwd: repo.dir, env: pytestEnv(outputDir)})
    const files = {
      'junit.xml': await readFile(path.join(outputDir, 'junit.xml'), 'utf8'),
      'coverage.xml': await readFile(path.join(outputDir, 'coverage.xml'), 'utf8'),
    }
    const parsed = parsePytest({...output, files}, {root: repo.dir}, options)
    if (parsed.kind !== 'findings' || !parsed.coverage) throw new Error('pytest did not pass on the example platform')
    const pytest: CheckResult = {id: 'pytest', tool: 'pytest', phase: 'test', status: 'passed', cached: false, durationMs: Math.round(output.durationMs), findings: [], gate: 'block'}
    const bandit: CheckResult = {
      id: 'bandit',
      tool: 'bandit',
      phase: 'static',
      status: 'warned',
      cached: false,
      durationMs: 900,
      gate: 'warn',
      findings: [{tool: 'bandit', rule: 'B608', severity: 'warning', file: 'src/ingestion/postgres_loader.py', line: 42, column: 9, message: 'Possible SQL injection vector through string-based query construction.'}],
    }
    const run: RunResult = {
      ok: true,
      exitCode: 0,
      durationMs: 5400,
      runner: 'local',
      root: repo.dir,
      startedAt: new Date().toISOString(),
      phases: [
        {id: 'static', status: 'warned', durationMs: 900, checks: [bandit]},
        {id: 'test', status: 'passed', durationMs: pytest.durationMs, checks: [pytest]},
      ],
    }
    return {run, coverageXml: files['coverage.xml'], percent: parsed.coverage.percent, tests: parsed.tests.tests}
  } finally {
    await runner.dispose()
  }
}

describe('the HTML report in headless Chromium', () => {
  it('shows the phases, the coverage and the five gates', async () => {
    const {run, coverageXml, percent, tests} = await realRun()
    const summary = {percent, linesCovered: 0, linesValid: 0}
    const coverage = {summary, threshold: 70, ...{status: coverageVerdict(summary, {threshold: 70, gate: 'block'}).status}}
    const gates = evaluateGates({checks: run.phases.flatMap((p) => p.checks), secrets: [], config: gatesSchema.parse({})})
    const {dir} = await writeReportFolder({
      reportsDir: path.join(repo.dir, '.cicd', 'reports'),
      data: {run, coverage, gates, tests: {tests, passed: tests, failed: 0, errors: 0, skipped: 0}},
      coverageXml,
      keep: 5,
    })

    const browser = await chromium.launch({executablePath: CHROMIUM, args: FLAGS, headless: true})
    try {
      const page = await browser.newPage({viewport: {width: 1280, height: 900}})
      const requests: string[] = []
      page.on('request', (request) => requests.push(request.url()))
      await page.goto(`file://${path.join(dir, 'index.html')}`)
      const screenshot = path.join(out, 'report.png')
      await page.screenshot({path: screenshot, fullPage: true})
      expect((await stat(screenshot)).size).toBeGreaterThan(20_000)

      const text = await page.locator('body').innerText()
      expect(text).toContain('cicd check: Passed')
      expect(await page.locator('[data-phase]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-phase')))).toEqual(['static', 'test'])
      const shown = `${(Math.round(percent * 100) / 100).toFixed(2)}%`
      expect(await page.locator('#coverage .figure').innerText()).toBe(shown)
      expect(await page.locator('.gate .gate-number').allInnerTexts()).toEqual(['GATE 1', 'GATE 2', 'GATE 3', 'GATE 4', 'GATE 5'])
      expect(await page.locator('#findings').innerText()).toContain('src/ingestion/postgres_loader.py')
      // Everything is on the page itself: the only request is the page.
      expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([])
      // The coverage meter is visible and sized by the percentage.
      const fill = await page.locator('.meter .fill').boundingBox()
      const meter = await page.locator('.meter').boundingBox()
      expect(fill!.width / meter!.width).toBeCloseTo(percent / 100, 1)
    } finally {
      await browser.close()
    }
  }, 120_000)
})
