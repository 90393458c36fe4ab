import {mkdtemp, mkdir, readdir, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {XMLValidator} from 'fast-xml-parser'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/errors.js'
import {parseReportSpecs, writeReports} from '../../../src/reports/write.js'
import {sampleRun} from './run-result.js'

function usageError(fn: () => unknown): UsageError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return error as UsageError
  }

  throw new Error('expected a UsageError')
}

describe('parseReportSpecs', () => {
  it('reads repeated FORMAT=FILE specs, keeping "=" inside the file name', () => {
    expect(parseReportSpecs(['junit=out/cicd.xml', 'SARIF=out/a=b.sarif', 'json= report.json '])).toEqual([
      {format: 'junit', file: 'out/cicd.xml'},
      {format: 'sarif', file: 'out/a=b.sarif'},
      {format: 'json', file: 'report.json'},
    ])
    expect(parseReportSpecs([])).toEqual([])
  })

  it('rejects an unknown format, naming the accepted ones, with exit code 2', () => {
    const error = usageError(() => parseReportSpecs(['html=out.html']))
    expect(error.exitCode).toBe(2)
    expect(error.message).toContain('unknown report format "html"')
    expect(error.message).toContain('junit, sarif, json')
    expect(error.nextSteps.join(' ')).toContain('--report junit=')
  })

  it('rejects a spec without "=" or without a file', () => {
    expect(usageError(() => parseReportSpecs(['junit'])).message).toContain('expected FORMAT=FILE, with FORMAT one of junit, sarif, json')
    expect(usageError(() => parseReportSpecs(['sarif='])).message).toContain('no file after "="')
  })

  it('rejects two reports aimed at the same file', () => {
    expect(usageError(() => parseReportSpecs(['junit=out/r.xml', 'json=./out/r.xml'])).message).toContain('twice')
  })
})

describe('writeReports', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cicd-reports-'))
  })

  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('writes every report, creating parent directories and leaving no temporary files', async () => {
    const specs = parseReportSpecs(['junit=reports/deep/cicd.xml', 'sarif=reports/cicd.sarif', 'json=cicd.json'])
    const written = await writeReports(sampleRun(), specs, dir)
    expect(written).toEqual([join(dir, 'reports/deep/cicd.xml'), join(dir, 'reports/cicd.sarif'), join(dir, 'cicd.json')])
    expect(XMLValidator.validate(await readFile(written[0], 'utf8'))).toBe(true)
    expect(JSON.parse(await readFile(written[1], 'utf8')).version).toBe('2.1.0')
    expect(JSON.parse(await readFile(written[2], 'utf8')).exitCode).toBe(1)
    expect((await readdir(join(dir, 'reports'))).sort()).toEqual(['cicd.sarif', 'deep'])
    expect(await readdir(join(dir, 'reports/deep'))).toEqual(['cicd.xml'])
  })

  it('replaces an existing report', async () => {
    const [spec] = parseReportSpecs(['json=cicd.json'])
    const run = sampleRun()
    await writeReports(run, [spec], dir)
    run.exitCode = 0
    await writeReports(run, [spec], dir)
    expect(JSON.parse(await readFile(join(dir, 'cicd.json'), 'utf8')).exitCode).toBe(0)
  })

  it('fails with a usage error naming the path when the target is a directory', async () => {
    await mkdir(join(dir, 'taken'))
    const error = await writeReports(sampleRun(), parseReportSpecs(['junit=taken']), dir).catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message).toContain(`Cannot write the junit report to ${join(dir, 'taken')}`)
    expect(await readdir(dir)).toEqual(['taken'])
    expect(await readdir(join(dir, 'taken'))).toEqual([])
  })
})
