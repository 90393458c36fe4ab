import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import ajvDraft04 from 'ajv-draft-04'
import ajvFormats from 'ajv-formats'
import type * as Sarif from 'sarif'
import {describe, expect, it} from 'vitest'

import {renderSarif} from '../../../src/reports/sarif.js'
import {HOSTILE_MESSAGE_SHOWN, sampleRun, UNICODE_FILE} from './run-result.js'

const schemaPath = fileURLToPath(new URL('../../fixtures/tool-outputs/sarif/sarif-schema-2.1.0.json', import.meta.url))

function validator() {
  // The OASIS schema is draft-04 (`id`, not `$id`), which Ajv 8 only reads through ajv-draft-04; both packages
  // are CommonJS, so under NodeNext their classes sit on `.default`.
  const ajv = new ajvDraft04.default({allErrors: true, strict: false})
  ajvFormats.default(ajv)
  return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')))
}

function runOf(log: Sarif.Log, tool: string): Sarif.Run {
  const run = log.runs.find((candidate) => candidate.tool.driver.name === tool)
  if (!run) throw new Error(`no run for ${tool}`)
  return run
}

function regions(log: Sarif.Log): Sarif.Region[] {
  return log.runs.flatMap((run) =>
    (run.results ?? []).flatMap((result) => (result.locations ?? []).flatMap((loc) => (loc.physicalLocation?.region ? [loc.physicalLocation.region] : []))),
  )
}

describe('renderSarif', () => {
  // Compiling the schema takes about a second; every test reads it, none changes it.
  const validate = validator()

  it('validates against the SARIF 2.1.0 schema', () => {
    const log = JSON.parse(renderSarif(sampleRun()))
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true)
  })

  it('the schema check itself rejects a region with startColumn 0', () => {
    const log = JSON.parse(renderSarif(sampleRun())) as Sarif.Log
    runOf(log, 'flake8').results![0].locations![0].physicalLocation!.region!.startColumn = 0
    expect(validate(log)).toBe(false)
  })

  it('writes one run per tool that ran, none for skipped checks', () => {
    const log = JSON.parse(renderSarif(sampleRun())) as Sarif.Log
    expect(log.version).toBe('2.1.0')
    expect(log.runs.map((run) => run.tool.driver.name)).toEqual(['flake8', 'pylint', 'black', 'isort', 'bandit', 'safety', 'pytest'])
    expect(runOf(log, 'flake8').tool.driver.version).toBe('5.0.4')
  })

  it('omits unknown lines and columns instead of writing 0', () => {
    const log = JSON.parse(renderSarif(sampleRun())) as Sarif.Log
    for (const region of regions(log)) {
      expect(region.startLine).toBeGreaterThanOrEqual(1)
      if (region.startColumn !== undefined) expect(region.startColumn).toBeGreaterThanOrEqual(1)
    }

    const flake8 = runOf(log, 'flake8').results!
    expect(flake8[0].locations![0].physicalLocation!.region).toEqual({startLine: 3, startColumn: 1})
    expect(flake8[3].locations![0].physicalLocation!.region).toEqual({startLine: 5})
    expect(runOf(log, 'black').results![0].locations![0].physicalLocation!.region).toBeUndefined()
  })

  it('points a dependency finding at its requirements file, relative to %SRCROOT%', () => {
    const log = JSON.parse(renderSarif(sampleRun())) as Sarif.Log
    const [result] = runOf(log, 'safety').results!
    expect(result.locations![0].physicalLocation!.artifactLocation).toEqual({uri: 'requirements.txt', uriBaseId: '%SRCROOT%'})
    expect(result.level).toBe('error')
    expect(runOf(log, 'flake8').originalUriBaseIds).toEqual({'%SRCROOT%': {uri: 'file:///home/dev/data%20platform/'}})
  })

  it('percent-encodes spaces and non-ASCII in URIs, and they decode back to the path', () => {
    const log = JSON.parse(renderSarif(sampleRun())) as Sarif.Log
    const uri = runOf(log, 'flake8').results![1].locations![0].physicalLocation!.artifactLocation!.uri!
    expect(uri).not.toMatch(/[ ü]/)
    expect(decodeURIComponent(uri)).toBe(UNICODE_FILE)
  })

  it('lists each rule once and indexes results into that list', () => {
    const log = JSON.parse(renderSarif(sampleRun())) as Sarif.Log
    const run = runOf(log, 'flake8')
    expect(run.tool.driver.rules!.map((rule) => rule.id)).toEqual(['F401', 'E501', 'W292'])
    for (const result of run.results!) expect(run.tool.driver.rules![result.ruleIndex!].id).toBe(result.ruleId)
    expect(run.results![1].message.text).toBe(HOSTILE_MESSAGE_SHOWN)
    expect(run.results!.map((result) => result.level)).toEqual(['warning', 'warning', 'warning', 'warning'])
    expect(runOf(log, 'pylint').results!.map((result) => result.level)).toEqual(['note', 'note'])
  })

  it('fingerprints ignore the line but keep identical findings apart', () => {
    const run = sampleRun()
    const before = JSON.parse(renderSarif(run)) as Sarif.Log
    for (const finding of run.phases[0].checks[0].findings) finding.line += 7
    const after = JSON.parse(renderSarif(run)) as Sarif.Log
    const prints = (log: Sarif.Log) => runOf(log, 'flake8').results!.map((result) => result.partialFingerprints!['cicdFindingHash/v1'])
    expect(prints(after)).toEqual(prints(before))
    expect(new Set(prints(before)).size).toBe(4)
  })

  it('marks a crashed tool as an unsuccessful invocation with the reason', () => {
    const log = JSON.parse(renderSarif(sampleRun())) as Sarif.Log
    const [isort] = runOf(log, 'isort').invocations!
    expect(isort.executionSuccessful).toBe(false)
    expect(isort.exitCode).toBe(2)
    expect(isort.toolExecutionNotifications![0]).toEqual({level: 'error', message: {text: 'isort crashed: Traceback <module> & "quotes"'}})
    expect(runOf(log, 'bandit').invocations![0].executionSuccessful).toBe(true)
  })
})
