import {XMLParser, XMLValidator} from 'fast-xml-parser'
import {describe, expect, it} from 'vitest'

import type {RunResult} from '../../../src/pipeline/result.js'
import {renderJunit} from '../../../src/reports/junit.js'
import {HOSTILE_MESSAGE_SHOWN, sampleRun, UNICODE_FILE} from './run-result.js'

interface Outcome {
  '@_message': string
  '@_type'?: string
  '#text'?: string
}

interface TestCase {
  '@_classname': string
  '@_name': string
  '@_time': string
  failure?: Outcome
  error?: Outcome
  skipped?: Outcome
  'system-out'?: string
}

interface TestSuite {
  '@_name': string
  '@_tests': string
  '@_failures': string
  '@_errors': string
  '@_skipped': string
  '@_time': string
  '@_timestamp': string
  properties: {property: {'@_name': string; '@_value': string}[]}
  testcase: TestCase[]
}

function parse(xml: string): {suites: TestSuite[]; root: Record<string, string>} {
  expect(XMLValidator.validate(xml)).toBe(true)
  const parser = new XMLParser({
    ignoreAttributes: false,
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  })
  const document = parser.parse(xml)
  return {suites: document.testsuites.testsuite, root: document.testsuites}
}

function suite(suites: TestSuite[], name: string): TestSuite {
  const found = suites.find((candidate) => candidate['@_name'] === name)
  if (!found) throw new Error(`no suite ${name}`)
  return found
}

/** What Jenkins' junit step does with the file: failed = failures + errors over all suites, recursively. */
function jenkinsReading(suites: TestSuite[]) {
  const cases = suites.flatMap((s) => s.testcase)
  return {
    total: cases.length,
    failed: cases.filter((c) => c.failure !== undefined || c.error !== undefined).length,
    skipped: cases.filter((c) => c.skipped !== undefined).length,
  }
}

/** cicd's own count of what blocked: findings of block-gated failed checks, or the check when none of them did. */
function blockers(run: RunResult): number {
  const failed = run.phases.flatMap((p) => p.checks).filter((c) => c.status === 'failed')
  return failed.reduce((sum, c) => sum + (c.gate === 'block' && c.findings.length > 0 ? c.findings.length : 1), 0)
}

function errorChecks(run: RunResult): number {
  return run.phases.flatMap((p) => p.checks).filter((c) => c.status === 'error').length
}

describe('renderJunit', () => {
  it('writes one suite per check, none of them empty, with counts that match their cases', () => {
    const {suites, root} = parse(renderJunit(sampleRun()))
    expect(suites.map((s) => s['@_name'])).toEqual(['flake8', 'pylint', 'black', 'isort', 'bandit', 'safety', 'pip-audit', 'pytest'])
    for (const s of suites) {
      expect(s.testcase.length).toBeGreaterThan(0)
      expect(Number(s['@_tests'])).toBe(s.testcase.length)
      expect(Number(s['@_failures'])).toBe(s.testcase.filter((c) => c.failure).length)
      expect(Number(s['@_errors'])).toBe(s.testcase.filter((c) => c.error).length)
      expect(Number(s['@_skipped'])).toBe(s.testcase.filter((c) => c.skipped).length)
      expect(s['@_timestamp']).toBe('2024-05-01T10:00:00Z')
    }

    expect(suite(suites, 'flake8')['@_time']).toBe('1.250')
    expect(root['@_tests']).toBe('12')
    expect(root['@_failures']).toBe('5')
    expect(root['@_errors']).toBe('1')
    expect(root['@_skipped']).toBe('4')
  })

  it('gives Jenkins the same verdict as cicd: failures + errors = blocking findings + crashed tools', () => {
    const run = sampleRun()
    const reading = jenkinsReading(parse(renderJunit(run)).suites)
    expect(reading.failed).toBe(blockers(run) + errorChecks(run))
    expect(reading.failed).toBe(6)
  })

  it('keeps a run with only warnings green in Jenkins: warned findings are skipped, not failed', () => {
    const run = sampleRun()
    run.phases[0].checks = run.phases[0].checks.filter((c) => c.status !== 'failed' && c.status !== 'error')
    run.ok = true
    run.exitCode = 0
    const {suites} = parse(renderJunit(run))
    expect(jenkinsReading(suites).failed).toBe(0)
    const pylint = suite(suites, 'pylint').testcase
    expect(pylint.map((c) => c.skipped?.['@_message'])).toEqual([
      'note (gate: warn): missing-module-docstring Missing module docstring',
      'note (gate: warn): duplicate-code Similar lines in 2 files',
    ])
  })

  it('names finding cases by rule and place, with a dotted classname from the file path', () => {
    const {suites} = parse(renderJunit(sampleRun()))
    const flake8 = suite(suites, 'flake8').testcase
    expect(flake8.map((c) => [c['@_classname'], c['@_name']])).toEqual([
      ['flake8.src.pkg.module', 'F401 src/pkg/module.py:3:1'],
      ['flake8.src.my pkg.módulo ü', `E501 ${UNICODE_FILE}:10:121`],
      ['flake8.src.my pkg.módulo ü', `E501 ${UNICODE_FILE}:12:121`],
      ['flake8.src.pkg.module', 'W292 src/pkg/module.py:5'],
    ])
    expect(flake8[0].failure).toEqual({'@_message': "F401 'os' imported but unused", '@_type': 'warning', '#text': "src/pkg/module.py:3:1: F401 'os' imported but unused"})
    expect(suite(suites, 'pylint').testcase[1]['@_classname']).toBe('pylint.src.a_b.c')
    expect(suite(suites, 'black').testcase[0]['@_name']).toBe('would-reformat src/pkg/module.py')
    expect(suite(suites, 'safety').testcase[0]['@_classname']).toBe('safety.requirements')
  })

  it('numbers repeated findings of one rule at one place so Jenkins keeps them apart', () => {
    const run = sampleRun()
    const [first] = run.phases[0].checks[0].findings
    run.phases[0].checks[0].findings.push({...first, message: 'again'})
    const names = suite(parse(renderJunit(run)).suites, 'flake8').testcase.map((c) => c['@_name'])
    expect(names).toContain('F401 src/pkg/module.py:3:1')
    expect(names).toContain('F401 src/pkg/module.py:3:1 (2)')
  })

  it('escapes XML-hostile characters and drops control characters, so the text round-trips', () => {
    const xml = renderJunit(sampleRun())
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/)
    const {suites} = parse(xml)
    const failure = suite(suites, 'flake8').testcase[1].failure!
    expect(failure['@_message']).toBe(`E501 ${HOSTILE_MESSAGE_SHOWN}`)
    expect(failure['#text']).toBe(`${UNICODE_FILE}:10:121: E501 ${HOSTILE_MESSAGE_SHOWN}`)
    expect(suite(suites, 'isort').testcase[0].error).toEqual({
      '@_message': 'isort crashed: Traceback <module> & "quotes"',
      '@_type': 'tool-error',
      '#text': 'isort crashed: Traceback <module> & "quotes"\nexit code 2',
    })
  })

  it('records passed, skipped and crashed checks as one case each, with the check facts as properties', () => {
    const {suites} = parse(renderJunit(sampleRun()))
    const [bandit] = suite(suites, 'bandit').testcase
    expect(bandit).toEqual({'@_classname': 'cicd.static', '@_name': 'bandit', '@_time': '1.250'})
    expect(suite(suites, 'pip-audit').testcase[0].skipped).toEqual({'@_message': 'dependencies.provider is safety'})
    expect(suite(suites, 'pytest').testcase[0]['@_classname']).toBe('cicd.test')
    const properties = Object.fromEntries(suite(suites, 'pylint').properties.property.map((p) => [p['@_name'], p['@_value']]))
    expect(properties).toEqual({tool: 'pylint', phase: 'static', status: 'warned', gate: 'warn', cached: 'false', toolVersion: '2.16.2', score: '8.5'})
  })

  it('fails a blocking check without findings (a pylint score below fail-under) on the check itself', () => {
    const run = sampleRun()
    const pylint = run.phases[0].checks[1]
    run.phases[0].checks = [{...pylint, status: 'failed', gate: 'block', findings: [], reason: 'score 6.20/10 is under the gate of 7.00'}]
    const {suites} = parse(renderJunit(run))
    expect(suites[0].testcase).toHaveLength(1)
    expect(suites[0].testcase[0].failure?.['@_message']).toBe('score 6.20/10 is under the gate of 7.00')
    expect(jenkinsReading(suites).failed).toBe(blockers(run))
  })

  it('fails on a blocking score while the warn-gated findings of the same check stay skipped', () => {
    const run = sampleRun()
    const pylint = run.phases[0].checks[1]
    run.phases[0].checks = [{...pylint, status: 'failed', gate: 'warn', reason: 'score 6.20/10 is under the gate of 7.00'}]
    const [cases] = parse(renderJunit(run)).suites.map((s) => s.testcase)
    expect(cases.map((c) => [c['@_name'], c.failure ? 'failure' : c.skipped ? 'skipped' : 'passed'])).toEqual([
      ['missing-module-docstring dags/etl.py:1:1', 'skipped'],
      ['duplicate-code src/a.b/c.py', 'skipped'],
      ['pylint', 'failure'],
    ])
    expect(jenkinsReading(parse(renderJunit(run)).suites).failed).toBe(blockers(run))
  })

  it('shows the reason of a warned check (a score under a warn gate) without failing', () => {
    const run = sampleRun()
    const pylint = run.phases[0].checks[1]
    run.phases[0].checks = [{...pylint, status: 'warned', gate: 'block', findings: [], reason: 'score 6.20/10 is under the gate of 7.00'}]
    const [[testcase]] = parse(renderJunit(run)).suites.map((s) => s.testcase)
    expect(testcase.skipped?.['@_message']).toBe('warning: score 6.20/10 is under the gate of 7.00')
    expect(testcase.failure).toBeUndefined()
  })

  it('lists findings of a passed check in system-out instead of dropping them', () => {
    const run = sampleRun()
    const bandit = run.phases[0].checks[4]
    bandit.findings = [{tool: 'bandit', rule: 'B101', severity: 'note', file: 'tests/test_x.py', line: 4, column: 5, message: 'Use of assert detected.'}]
    const [testcase] = suite(parse(renderJunit(run)).suites, 'bandit').testcase
    expect(testcase.failure).toBeUndefined()
    expect(testcase['system-out']).toBe('tests/test_x.py:4:5: B101 Use of assert detected.')
  })
})
