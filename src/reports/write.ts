// The repeatable `--report FORMAT=FILE` flag: parsing the specs up front (so a typo fails before any tool
// runs) and writing each report atomically once the run is over.
import {mkdir} from 'node:fs/promises'
import {dirname, normalize, resolve} from 'node:path'

import {UsageError} from '../errors.js'
import type {RunResult} from '../pipeline/result.js'

export const REPORT_FORMATS = ['junit', 'sarif', 'json'] as const

export type ReportFormat = (typeof REPORT_FORMATS)[number]

export interface ReportSpec {
  format: ReportFormat
  file: string
}

const EXAMPLE = 'Example: --report junit=reports/cicd-junit.xml --report sarif=reports/cicd.sarif'

function isFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value)
}

export function parseReportSpecs(specs: string[]): ReportSpec[] {
  const parsed = specs.map((spec): ReportSpec => {
    const separator = spec.indexOf('=')
    if (separator === -1) {
      throw new UsageError(`--report "${spec}": expected FORMAT=FILE, with FORMAT one of ${REPORT_FORMATS.join(', ')}.`, [EXAMPLE])
    }

    const format = spec.slice(0, separator).trim().toLowerCase()
    const file = spec.slice(separator + 1).trim()
    if (!isFormat(format)) {
      throw new UsageError(
        `--report "${spec}": unknown report format "${format}". Accepted formats: ${REPORT_FORMATS.join(', ')}.`,
        [EXAMPLE],
      )
    }

    if (!file) {
      throw new UsageError(`--report "${spec}": no file after "=". Write it as FORMAT=FILE.`, [EXAMPLE])
    }

    return {format, file}
  })

  const files = parsed.map((spec) => normalize(spec.file))
  const duplicate = files.findIndex((file, index) => files.indexOf(file) !== index)
  if (duplicate !== -1) {
    throw new UsageError(`--report names "${parsed[duplicate].file}" twice; each report needs its own file.`, [EXAMPLE])
  }

  return parsed
}

async function render(format: ReportFormat, result: RunResult): Promise<string> {
  // Each renderer is loaded only when its report is asked for.
  switch (format) {
    case 'json': {
      return (await import('./json.js')).renderJson(result)
    }

    case 'junit': {
      return (await import('./junit.js')).renderJunit(result)
    }

    case 'sarif': {
      return (await import('./sarif.js')).renderSarif(result)
    }
  }
}

/**
 * Writes each report (relative paths resolve against `cwd`), creating parent directories. A reader such as
 * Jenkins never sees a half-written file: the content goes to a temporary file beside it, then is renamed.
 * Returns the absolute paths written, in the order given.
 */
export async function writeReports(result: RunResult, specs: ReportSpec[], cwd: string): Promise<string[]> {
  const {default: writeFileAtomic} = await import('write-file-atomic')
  const written: string[] = []
  for (const spec of specs) {
    const file = resolve(cwd, spec.file)
    const content = await render(spec.format, result)
    try {
      await mkdir(dirname(file), {recursive: true})
      await writeFileAtomic(file, content, {encoding: 'utf8'})
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new UsageError(
        `Cannot write the ${spec.format} report to ${file}: ${reason}`,
        ['Give --report a file path in a directory you can write to (not an existing directory).'],
        error,
      )
    }

    written.push(file)
  }

  return written
}
