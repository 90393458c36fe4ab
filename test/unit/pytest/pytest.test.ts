import {readFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {COVERAGE_FILE, createPytestCheck, JUNIT_FILE, parsePytest, pytestArgv, pytestEnv, readJunit, type PytestOptions} from '../../../src/checks/pytest.js'
import type {ToolOutput} from '../../../src/checks/types.js'

const captures = path.join(import.meta.dirname, 'captures')
const recorded = path.join(import.meta.dirname, '../../fixtures/tool-outputs')
const capture = (name: string) => readFileSync(path.join(captures, name), 'utf8')
const context = {root: '/tmp/pyrec'}
const options: PytestOptions = {paths: [], args: [], coverage: {enabled: true, source: []}, noTestsCollected: 'fail'}

function output(exitCode: number, files: Record<string, string> = {}, stdout = '', stderr = ''): ToolOutput {
  return {exitCode, stdout, stderr, durationMs: 10, files}
}

function findingsOf(result: ReturnType<typeof parsePytest>) {
  if (result.kind !== 'findings') throw new Error(`expected findings, got: ${result.message}`)
  return result
}

describe('pytest argv', () => {
  it('writes JUnit and coverage.xml into the output directory and keeps pytest from writing into the repository', () => {
    expect(pytestArgv({...options, args: ['-q'], paths: ['tests']}, '/out')).toEqual([
      'pytest',
      '-p',
      'no:cacheprovider',
      '--junitxml=/out/junit.xml',
      '--cov',
      '--cov-report=xml:/out/coverage.xml',
      '--cov-report=term',
      '-q',
      'tests',
    ])
    expect(pytestEnv('/out')).toEqual({COVERAGE_FILE: '/out/.coverage'})
  })

  it('measures the configured sources, and leaves coverage out when disabled', () => {
    expect(pytestArgv({...options, coverage: {enabled: true, source: ['src', 'dags']}}, '/o')).toContain('--cov=dags')
    expect(pytestArgv({...options, coverage: {enabled: false, source: ['src']}}, '/o').some((a) => a.startsWith('--cov'))).toBe(false)
  })

  it('is a test-phase check that declares both report files', () => {
    const check = createPytestCheck(options)
    expect(check).toMatchObject({id: 'pytest', phase: 'test', fileLocal: false, outputFiles: [JUNIT_FILE, COVERAGE_FILE]})
    expect(check.argv([], {args: ['-x']}, '/o')).toContain('-x')
  })
})

describe('pytest parse on real pytest 7.2.1 reports', () => {
  it('turns each failing test (xunit2) into a finding with its id, the file from the classname and the line from the traceback', () => {
    const result = findingsOf(
      parsePytest(output(1, {[JUNIT_FILE]: capture('failing.xunit2.xml'), [COVERAGE_FILE]: capture('failing.coverage.xml')}), context, options),
    )
    expect(result.tests).toEqual({tests: 7, passed: 2, failed: 3, errors: 1, skipped: 1})
    expect(result.findings).toEqual([
      {tool: 'pytest', rule: 'test-failed', severity: 'error', file: 'tests/test_calc.py', line: 16, column: 0, message: 'tests/test_calc.py::test_add_fails: assert 4 == 5'},
      {
        tool: 'pytest',
        rule: 'test-failed',
        severity: 'error',
        file: 'tests/test_calc.py',
        line: 7,
        column: 0,
        message: 'tests/test_calc.py::test_through_helper: AssertionError: helper saw a wrong value',
      },
      {
        tool: 'pytest',
        rule: 'test-error',
        severity: 'error',
        file: 'tests/test_calc.py',
        line: 30,
        column: 0,
        message: 'tests/test_calc.py::test_setup_error: failed on setup with "RuntimeError: fixture exploded"',
      },
      {tool: 'pytest', rule: 'test-failed', severity: 'error', file: 'tests/test_calc.py', line: 40, column: 0, message: 'tests/test_calc.py::TestGroup::test_param[2]: assert 2 == 1'},
    ])
    expect(result.coverage).toEqual({percent: 50, linesCovered: 3, linesValid: 6})
  })

  it('uses xunit1 file and 0-based line attributes (the line of the def, made 1-based)', () => {
    const result = findingsOf(parsePytest(output(1, {[JUNIT_FILE]: capture('failing.xunit1.xml'), [COVERAGE_FILE]: capture('failing.coverage.xml')}), context, options))
    expect(result.findings[0]).toMatchObject({file: 'tests/test_calc.py', line: 14, message: 'tests/test_calc.py::test_add_fails: assert 4 == 5'})
  })

  it('reports a collection error (exit 2) as a finding on the module, not as an interruption', () => {
    const result = findingsOf(
      parsePytest(output(2, {[JUNIT_FILE]: capture('collection-error.xml')}, capture('collection-error.stdout.txt')), {root: '/tmp/pyrec2'}, {...options, coverage: {enabled: false, source: []}}),
    )
    expect(result.findings).toEqual([
      {tool: 'pytest', rule: 'collection-error', severity: 'error', file: 'tests/test_broken.py', line: 1, column: 0, message: 'tests/test_broken.py: collection failure'},
    ])
  })

  it('reads the 40 failures of a real third-party xunit1 report with module-level skips', () => {
    const read = readJunit(readFileSync(path.join(recorded, 'junit/tagreader-pytest-junit.xunit1.xml'), 'utf8'), {root: '/x'})
    if (!read.ok) throw new Error(read.message)
    expect(read.counts.failed).toBe(40)
    expect(read.counts.tests).toBe(135)
    expect(read.findings.every((f) => f.file.startsWith('tests/') && f.line > 0)).toBe(true)
  })
})

describe('pytest exit codes', () => {
  it('5, no tests collected: an error that says how to accept it, or a pass when configured', () => {
    const junit = {[JUNIT_FILE]: readFileSync(path.join(captures, 'collection-error.xml'), 'utf8')}
    const failing = parsePytest(output(5, junit, capture('no-tests.stdout.txt')), context, options)
    expect(failing).toMatchObject({kind: 'error'})
    expect(failing.kind === 'error' && failing.message).toMatch(/collected no tests.*test\.noTestsCollected: pass/)
    const passing = findingsOf(parsePytest(output(5), context, {...options, noTestsCollected: 'pass'}))
    expect(passing.findings).toEqual([])
    expect(passing.tests.tests).toBe(0)
  })

  it('4 with "unrecognized arguments: --cov": says pytest-cov is missing and how to install it', () => {
    const result = parsePytest(output(4, {}, capture('missing-cov.stdout.txt'), capture('missing-cov.stderr.txt')), context, options)
    expect(result.kind === 'error' && result.message).toMatch(/pytest-cov is not installed.*apt-get install python3-pytest-cov/)
  })

  it('4 otherwise is a usage error with what pytest printed; 3 an internal error; 2 without failures an interruption', () => {
    const usage = parsePytest(output(4, {}, '', 'ERROR: file or directory not found: nope'), context, options)
    expect(usage.kind === 'error' && usage.message).toMatch(/usage error \(exit code 4\):\nERROR: file or directory not found: nope/)
    const internal = parsePytest(output(3, {}, 'INTERNALERROR> boom'), context, options)
    expect(internal.kind === 'error' && internal.message).toMatch(/internal error \(exit code 3\):\nINTERNALERROR> boom/)
    const interrupted = parsePytest(output(2, {}, '!!! KeyboardInterrupt !!!'), context, options)
    expect(interrupted.kind === 'error' && interrupted.message).toMatch(/interrupted \(exit code 2\)/)
  })

  it("124 from the runner's timeout: names the configured limit and the key", () => {
    const result = parsePytest(output(124, {}, '', 'timed out after 5000 ms'), context, {...options, timeoutSeconds: 5})
    expect(result.kind === 'error' && result.message).toMatch(/did not finish within 5 s.*test\.timeoutSeconds/)
  })

  it('a missing coverage.xml while coverage is on is an error, not 0 %', () => {
    const result = parsePytest(output(0, {[JUNIT_FILE]: capture('failing.xunit2.xml').replace(/<failure[\s\S]*?<\/failure>|<error[\s\S]*?<\/error>/g, '')}), context, options)
    expect(result.kind === 'error' && result.message).toMatch(/pytest-cov wrote no coverage.xml/)
  })
})
