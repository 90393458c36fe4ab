// `cicd report`: where the latest build report is, and opening it in a browser when one is available.
import path from 'node:path'

import type {Opener} from '../adapters/browser.js'
import {reportsSchema} from '../config/sections/reports.js'
import {loadConfig, locateProjectRoot} from '../config/load.js'
import {latestReportDir} from '../reports/latest.js'
import {REPORT_FILES} from '../reports/report-folder.js'

export interface ReportOptions {
  cwd: string
  /** Print the path only, never open. */
  pathOnly: boolean
  /** Whether stdout is a terminal a person looks at. */
  interactive: boolean
  opener: Opener
}

export interface ReportLocation {
  dir: string
  html: string
  /** The command that opened it, when it was opened. */
  openedWith?: string
}

export async function showReport(options: ReportOptions): Promise<ReportLocation> {
  const root = await locateProjectRoot(options.cwd)
  const {config} = await loadConfig({root})
  // The section is read through its own schema so that a configuration without it gets the defaults.
  const reports = reportsSchema.parse((config as unknown as {reports?: unknown}).reports ?? {})
  const dir = await latestReportDir(path.resolve(root, reports.dir))
  const html = path.join(dir, REPORT_FILES.html)
  if (options.pathOnly || !options.interactive) return {dir, html}
  const command = await options.opener.find()
  if (!command) return {dir, html}
  await options.opener.open(command, html)
  return {dir, html, openedWith: command}
}
