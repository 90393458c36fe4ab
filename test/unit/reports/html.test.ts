import {lstat, mkdtemp, readdir, readFile, readlink, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {gatesSchema} from '../../../src/config/sections/gates.js'
import {evaluateGates} from '../../../src/gates/evaluate.js'
import {renderHtml, type ReportData} from '../../../src/reports/html.js'
import {latestReportDir} from '../../../src/reports/latest.js'
import {newRunId, REPORT_FILES, writeReportFolder} from '../../../src/reports/report-folder.js'
import {HOSTILE_MESSAGE, sampleRun, UNICODE_FILE} from './run-result.js'

function data(): ReportData {
  const run = sampleRun()
  return {
    run,
    runId: '20261126T181200Z-a1b2',
    tests: {tests: 32, passed: 31, failed: 1, errors: 0, skipped: 0},
    coverage: {summary: {percent: (298 / 338) * 100, linesCovered: 298, linesValid: 338}, threshold: 70, status: 'passed'},
    gates: evaluateGates({checks: run.phases.flatMap((p) => p.checks), secrets: [], config: gatesSchema.parse({})}),
  }
}

describe('HTML report', () => {
  it('shows every phase and check with status and duration, coverage against its threshold, and the five gates', () => {
    const html = renderHtml(data())
    expect(html).toContain('cicd check: Failed')
    for (const phase of sampleRun().phases) expect(html).toContain(`data-phase="${phase.id}"`)
    expect(html).toMatch(/flake8<div class="sub">flake8 5\.0\.4<\/div><\/td><td><span class="badge bad">failed<\/span><\/td><td class="num">4<\/td><td class="num">1\.3s/)
    expect(html).toContain('88.17%')
    expect(html).toContain('298 of 338 lines')
    expect(html).toContain('left:70%')
    for (const gate of [1, 2, 3, 4, 5]) expect(html).toContain(`data-gate="${gate}"`)
    expect(html).toContain('32</strong> tests: 31 passed, 1 failed')
  })

  it('groups findings by file, ordered by line, and escapes what tools printed', () => {
    const html = renderHtml(data())
    const file = html.indexOf(`<span class="file">${UNICODE_FILE}</span>`)
    expect(file).toBeGreaterThan(0)
    expect(html.indexOf('>10:121<', file)).toBeLessThan(html.indexOf('>12:121<', file))
    expect(html).not.toContain(HOSTILE_MESSAGE)
    expect(html).toContain('compare &lt;a&gt; &amp; &quot;b&quot; red bell ünï')
  })

  it('is self-contained: no script, no external resource', () => {
    const html = renderHtml(data())
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3)/)
    expect(html).toContain("default-src 'none'")
  })
})

describe('report folder', () => {
  const dirs: string[] = []
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, {recursive: true, force: true})))
  })

  it('writes every report of the run and points latest at it, keeping only the newest runs', async () => {
    const reportsDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'cicd-reports-')), '.cicd', 'reports')
    dirs.push(path.dirname(path.dirname(reportsDir)))
    const {run, runId, ...rest} = data()
    const written: string[] = []
    for (const [index, id] of ['20260101T000000Z-0001', '20260101T000001Z-0002', runId].entries()) {
      const result = await writeReportFolder({reportsDir, data: {run, ...rest}, runId: id, coverageXml: index === 2 ? '<coverage/>' : undefined, keep: 2})
      written.push(result.dir)
    }
    expect((await readdir(reportsDir)).sort()).toEqual(['.gitignore', '20260101T000001Z-0002', runId, 'latest'])
    expect((await readdir(written[2])).sort()).toEqual(Object.values(REPORT_FILES).sort())
    expect((await lstat(path.join(reportsDir, 'latest'))).isSymbolicLink()).toBe(true)
    expect(await readlink(path.join(reportsDir, 'latest'))).toBe(runId)
    expect(await latestReportDir(reportsDir)).toBe(written[2])
    const summary = JSON.parse(await readFile(path.join(written[2], REPORT_FILES.summary), 'utf8')) as {runId: string; coverage: {percent: number; threshold: number}; gates: unknown[]}
    expect(summary.runId).toBe(runId)
    expect(summary.coverage.threshold).toBe(70)
    expect(summary.gates).toHaveLength(5)
  })

  it('says how to get a report when there is none', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-reports-'))
    dirs.push(dir)
    await expect(latestReportDir(dir)).rejects.toThrow(/No build report yet/)
  })

  it('makes sortable run ids', () => {
    expect(newRunId('2026-11-26T18:12:00.123Z', () => 0.5)).toBe('20261126T181200Z-8000')
  })
})
