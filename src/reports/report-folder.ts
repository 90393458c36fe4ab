// The report folder every `cicd check` writes: `.cicd/reports/<run-id>/` with summary.json, junit.xml,
// results.sarif, coverage.xml (when tests measured it) and index.html, plus `.cicd/reports/latest`, a
// symlink to the newest run (a file naming it where symlinks are not allowed). Old runs beyond `keep` go.
import {mkdir, readdir, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {renderHtml, type ReportData} from './html.js'
import {renderJson} from './json.js'
import {renderJunit} from './junit.js'
import {renderSarif} from './sarif.js'
import {pointLatest, RUN_ID} from './latest.js'

export const REPORT_FILES = {summary: 'summary.json', junit: 'junit.xml', sarif: 'results.sarif', coverage: 'coverage.xml', html: 'index.html'} as const


/** "20261126T181200Z-a1b2": sortable by time, unique within a second. */
export function newRunId(startedAt: string, random: () => number = Math.random): string {
  const stamp = new Date(startedAt).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
  const suffix = Math.floor(random() * 0x10000)
    .toString(16)
    .padStart(4, '0')
  return `${stamp}-${suffix}`
}

export interface WriteReportFolderOptions {
  /** The reports directory, absolute (root + reports.dir). */
  reportsDir: string
  data: Omit<ReportData, 'runId'>
  runId?: string
  /** The coverage.xml pytest-cov wrote, copied as is. */
  coverageXml?: string
  /** How many run folders to keep. */
  keep: number
}

export async function writeReportFolder(options: WriteReportFolderOptions): Promise<{runId: string; dir: string}> {
  const runId = options.runId ?? newRunId(options.data.run.startedAt)
  const dir = path.join(options.reportsDir, runId)
  await mkdir(dir, {recursive: true})
  // Reports are build output: a repository that does not ignore .cicd/ must not commit them by accident.
  await writeFile(path.join(options.reportsDir, '.gitignore'), '*\n')
  const data: ReportData = {...options.data, runId}
  const summary = {
    runId,
    ...(JSON.parse(renderJson(data.run)) as Record<string, unknown>),
    tests: data.tests,
    coverage: data.coverage && {...data.coverage.summary, threshold: data.coverage.threshold, status: data.coverage.status},
    gates: data.gates,
  }
  await Promise.all([
    writeFile(path.join(dir, REPORT_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`),
    writeFile(path.join(dir, REPORT_FILES.junit), renderJunit(data.run)),
    writeFile(path.join(dir, REPORT_FILES.sarif), renderSarif(data.run)),
    writeFile(path.join(dir, REPORT_FILES.html), renderHtml(data)),
    ...(options.coverageXml === undefined ? [] : [writeFile(path.join(dir, REPORT_FILES.coverage), options.coverageXml)]),
  ])
  await pointLatest(options.reportsDir, runId)
  await prune(options.reportsDir, options.keep, runId)
  return {runId, dir}
}

async function prune(reportsDir: string, keep: number, current: string): Promise<void> {
  const runs = (await readdir(reportsDir)).filter((name) => RUN_ID.test(name)).sort()
  const excess = runs.filter((name) => name !== current).slice(0, Math.max(0, runs.length - keep))
  await Promise.all(excess.map((name) => rm(path.join(reportsDir, name), {recursive: true, force: true})))
}
