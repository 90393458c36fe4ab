// pytest with pytest-cov: the test phase's one check. pytest writes a JUnit file and a Cobertura coverage.xml
// into the invocation's output directory; every failing or erroring test becomes a finding, and coverage
// comes back with the result for the coverage gate.
//
// JUnit: xunit2 (pytest's default) has only classname/name/time on a testcase, so the file is derived from
// the dotted classname and the line from the traceback (`tests/test_x.py:42: AssertionError`); xunit1 adds
// `file` and a 0-based `line`. Collection errors are testcases with an empty classname and the module as name.
// Exit codes, one by one: 0 passed, 1 tests failed, 2 interrupted (also collection errors, which the JUnit
// file then lists), 3 internal error, 4 usage error (`unrecognized arguments: --cov` when pytest-cov is
// missing), 5 no tests collected (configurable), 124 the runner's timeout.
import {XMLParser} from 'fast-xml-parser'

import {readCoverageXml, type CoverageSummary} from '../coverage/cobertura.js'
import type {CheckDefinition, Finding, ParseContext, ParseResult, ToolOutput} from './types.js'
import {asOperand, stripAnsi, toRepoPath} from './paths.js'
import {matchVersion, outputTail, toolError} from './tool-output.js'

export const JUNIT_FILE = 'junit.xml'
export const COVERAGE_FILE = 'coverage.xml'

export interface PytestOptions {
  /** Test paths; empty leaves the choice to pytest's configuration (testpaths). */
  paths: string[]
  args: string[]
  coverage: {enabled: boolean; source: string[]}
  noTestsCollected: 'fail' | 'pass'
  /** The configured timeout, for the message when the runner stops pytest (exit code 124). */
  timeoutSeconds?: number
}

export interface TestCounts {
  tests: number
  passed: number
  failed: number
  errors: number
  skipped: number
}

export type PytestParseResult =
  | {kind: 'findings'; findings: Finding[]; tests: TestCounts; coverage?: CoverageSummary; note?: string}
  | {kind: 'error'; message: string}

/** A check definition for pytest; its id is 'pytest' (CheckId does not list it yet). */
export type PytestCheckDefinition = Omit<CheckDefinition, 'id' | 'parse'> & {
  id: 'pytest'
  parse(output: ToolOutput, context: ParseContext): PytestParseResult
}

export function pytestArgv(options: PytestOptions, outputDir: string): string[] {
  const coverage = options.coverage.enabled
    ? [
        ...(options.coverage.source.length === 0 ? ['--cov'] : options.coverage.source.map((source) => `--cov=${source}`)),
        `--cov-report=xml:${outputDir}/${COVERAGE_FILE}`,
        '--cov-report=term',
      ]
    : []
  // -p no:cacheprovider: .pytest_cache would be written into the repository (read-only in the container).
  return ['pytest', '-p', 'no:cacheprovider', `--junitxml=${outputDir}/${JUNIT_FILE}`, ...coverage, ...options.args, ...options.paths.map(asOperand)]
}

/**
 * The environment pytest needs: coverage.py writes its data file (.coverage) into the working directory
 * unless told otherwise, and the repository is mounted read-only in the container runner.
 */
export function pytestEnv(outputDir: string): Record<string, string> {
  return {COVERAGE_FILE: `${outputDir}/.coverage`}
}

/** Where the test phase sends the writes a test suite makes outside its working tree. */
export interface PytestSandbox {
  /** HOME (and XDG_CACHE_HOME under it): ~/.something and tool caches. */
  home: string
  /** TMPDIR: tempfile, and pytest's own tmp_path. */
  tmp: string
  /** The real user base, so packages installed with `pip install --user` stay importable under the new HOME. */
  userBase?: string
}

/**
 * cicd cannot sandbox a local pytest, but the usual stray writes follow these variables: pointed into
 * directories of the invocation's own, which the runner removes, they leave nothing in the user's home or
 * /tmp; and no bytecode (__pycache__, pytest's rewritten asserts) is written next to the repository's code.
 */
export function pytestSandboxEnv(sandbox: PytestSandbox): Record<string, string> {
  return {
    HOME: sandbox.home,
    XDG_CACHE_HOME: `${sandbox.home}/.cache`,
    TMPDIR: sandbox.tmp,
    PYTHONDONTWRITEBYTECODE: '1',
    ...(sandbox.userBase === undefined ? {} : {PYTHONUSERBASE: sandbox.userBase}),
  }
}

export function createPytestCheck(options: PytestOptions): PytestCheckDefinition {
  return {
    id: 'pytest',
    tool: 'pytest',
    phase: 'test',
    inputs: 'python',
    fileLocal: false,
    configFiles: ['pytest.ini', 'pyproject.toml', 'setup.cfg', 'tox.ini', '.coveragerc'],
    outputFiles: [JUNIT_FILE, COVERAGE_FILE],
    argv: (_files, settings, outputDir) => {
      if (outputDir === undefined) throw new Error('pytest needs an output directory for its reports')
      return pytestArgv({...options, args: [...options.args, ...settings.args]}, outputDir)
    },
    parse: (output, context) => parsePytest(output, context, options),
    versionArgv: ['--version'],
    // "pytest 7.2.1" (on stdout from 7.x, on stderr before)
    parseVersion: (output) => matchVersion(output, /pytest (\d+\.\d+\S*)/),
  }
}

const MISSING_COV = /unrecognized arguments:.*--cov/

export function parsePytest(output: ToolOutput, context: ParseContext, options: PytestOptions): PytestParseResult {
  const {exitCode} = output
  const printed = stripAnsi(`${output.stdout}\n${output.stderr}`)
  if (exitCode === 124 && /timed out/.test(output.stderr)) {
    const limit = options.timeoutSeconds === undefined ? '' : ` within ${options.timeoutSeconds} s`
    return {
      kind: 'error',
      message: `pytest did not finish${limit} and was stopped (test.timeoutSeconds). A test may hang: run pytest -x -v to see which one.`,
    }
  }
  if (exitCode === 4) {
    if (MISSING_COV.test(printed)) {
      return {
        kind: 'error',
        message:
          'pytest-cov is not installed, so pytest does not know --cov. Install it (Debian: apt-get install python3-pytest-cov; pip: pip install pytest-cov), or set test.coverage.enabled: false.',
      }
    }
    return crashed(output, 'pytest reported a usage error (exit code 4)')
  }
  if (exitCode === 3) return crashed(output, 'pytest had an internal error (exit code 3)')
  if (exitCode === 5) {
    if (options.noTestsCollected === 'pass') {
      return {kind: 'findings', findings: [], tests: emptyCounts(), note: 'pytest collected no tests (test.noTestsCollected: pass)'}
    }
    const where = options.paths.length > 0 ? `in ${options.paths.join(', ')}` : "in pytest's testpaths"
    return {
      kind: 'error',
      message: `pytest collected no tests ${where} (exit code 5). Add tests, point test.paths at them, or set test.noTestsCollected: pass to accept a repository without tests.`,
    }
  }
  if (exitCode !== 0 && exitCode !== 1 && exitCode !== 2) return crashed(output)

  const junit = output.files?.[JUNIT_FILE]
  if (junit === undefined) {
    const reason = exitCode === 2 ? 'pytest was interrupted (exit code 2) before writing its JUnit report' : 'pytest wrote no JUnit report'
    return crashed(output, reason)
  }
  const read = readJunit(junit, context)
  if (!read.ok) return {kind: 'error', message: `${read.message}\n${outputTail(output)}`.trim()}
  // Exit 2 without a failing testcase is an interruption (KeyboardInterrupt, -x on an internal problem).
  if (exitCode === 2 && read.findings.length === 0) return crashed(output, 'pytest was interrupted (exit code 2)')
  if (exitCode === 1 && read.findings.length === 0) {
    // A strict XPASS or --cov-fail-under: pytest failed without a failing testcase; say what it printed.
    return crashed(output, 'pytest exited with code 1 without a failing test in its JUnit report')
  }

  if (!options.coverage.enabled) return {kind: 'findings', findings: read.findings, tests: read.counts}
  const xml = output.files?.[COVERAGE_FILE]
  if (xml === undefined) return crashed(output, 'pytest-cov wrote no coverage.xml')
  const coverage = readCoverageXml(xml)
  if (!coverage.ok) return {kind: 'error', message: coverage.message}
  return {kind: 'findings', findings: read.findings, tests: read.counts, coverage: coverage.summary}
}

/** toolError always returns the error variant; its declared type is the whole ParseResult union. */
function crashed(output: ToolOutput, reason?: string): PytestParseResult {
  return toolError('pytest', output, reason) as Extract<ParseResult, {kind: 'error'}>
}

function emptyCounts(): TestCounts {
  return {tests: 0, passed: 0, failed: 0, errors: 0, skipped: 0}
}

interface Testcase {
  classname?: string
  name?: string
  file?: string
  line?: string
  failure?: Outcome | Outcome[]
  error?: Outcome | Outcome[]
  skipped?: Outcome | Outcome[]
}

type Outcome = string | {message?: string; '#text'?: string}

type JunitRead = {ok: true; findings: Finding[]; counts: TestCounts} | {ok: false; message: string}

export function readJunit(xml: string, context: ParseContext): JunitRead {
  let document: Record<string, unknown>
  try {
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      parseAttributeValue: false,
      parseTagValue: false,
      // pytest writes newlines in messages as &#10;.
      htmlEntities: true,
      isArray: (name) => name === 'testsuite' || name === 'testcase',
    })
    document = parser.parse(xml) as Record<string, unknown>
  } catch (error) {
    return {ok: false, message: `pytest's JUnit report is not valid XML: ${(error as Error).message}`}
  }
  const suites = collectSuites(document)
  if (suites === undefined) return {ok: false, message: "pytest's JUnit report has no <testsuite>"}
  const counts = emptyCounts()
  const findings: Finding[] = []
  for (const testcase of suites.flatMap((suite) => suite.testcase ?? [])) {
    counts.tests += 1
    const failures = asList(testcase.failure)
    const errors = asList(testcase.error)
    if (failures.length > 0) counts.failed += 1
    else if (errors.length > 0) counts.errors += 1
    else if (asList(testcase.skipped).length > 0) counts.skipped += 1
    else counts.passed += 1
    for (const [kind, outcome] of [...failures.map((o) => ['failure', o] as const), ...errors.map((o) => ['error', o] as const)]) {
      findings.push(testFinding(testcase, kind, outcome, context))
    }
  }
  return {ok: true, findings, counts}
}

function collectSuites(document: Record<string, unknown>): {testcase?: Testcase[]}[] | undefined {
  const root = (document.testsuites ?? document) as {testsuite?: {testcase?: Testcase[]; testsuite?: unknown}[]}
  if (!Array.isArray(root.testsuite)) return undefined
  // Nested suites are legal JUnit; pytest does not write them but other producers do.
  const flatten = (suites: {testcase?: Testcase[]; testsuite?: unknown}[]): {testcase?: Testcase[]}[] =>
    suites.flatMap((suite) => [suite, ...(Array.isArray(suite.testsuite) ? flatten(suite.testsuite) : [])])
  return flatten(root.testsuite)
}

function asList(value: Outcome | Outcome[] | undefined): Outcome[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

function textOf(outcome: Outcome): {message: string; text: string} {
  if (typeof outcome === 'string') return {message: '', text: outcome}
  return {message: outcome.message ?? '', text: outcome['#text'] ?? ''}
}

/**
 * Where a test lives. A collection error names the module in `name` with an empty classname; otherwise the
 * classname is the module's dotted path followed by any classes (which start with an upper-case letter).
 */
function locate(testcase: Testcase): {modulePath: string; classes: string[]; test?: string} {
  const classname = testcase.classname ?? ''
  if (classname === '') return {modulePath: (testcase.name ?? '').replaceAll('.', '/'), classes: []}
  const segments = classname.split('.')
  let moduleEnd = segments.length
  while (moduleEnd > 1 && /^[A-Z]/.test(segments[moduleEnd - 1])) moduleEnd -= 1
  return {modulePath: segments.slice(0, moduleEnd).join('/'), classes: segments.slice(moduleEnd), test: testcase.name}
}

// `tests/test_x.py:42: AssertionError` or `/abs/tests/test_x.py:42: in helper`.
const TRACE_LINE = /^(?<path>[^\s:][^:\n]*\.py):(?<line>\d+):/gm

function testFinding(testcase: Testcase, kind: 'failure' | 'error', outcome: Outcome, context: ParseContext): Finding {
  const {message, text} = textOf(outcome)
  const where = locate(testcase)
  const derived = `${where.modulePath}.py`
  let file = testcase.file ? toRepoPath(testcase.file, context.root) : derived
  let line = testcase.line !== undefined && /^\d+$/.test(testcase.line) ? Number(testcase.line) + 1 : 0
  if (line === 0) {
    // The last traceback entry in the test's own module is the failing line of the test.
    const entries = [...stripAnsi(text).matchAll(TRACE_LINE)].map((m) => ({path: toRepoPath(m.groups!.path, context.root), line: Number(m.groups!.line)}))
    const own = entries.filter((entry) => entry.path === file || entry.path.endsWith(`/${derived}`)).at(-1)
    if (own) {
      file = own.path
      line = own.line
    }
  }
  const testId = where.test === undefined ? file : [file, ...where.classes, where.test].join('::')
  const headline = firstLine(message) || firstLine(text) || (kind === 'failure' ? 'failed' : 'error')
  return {
    tool: 'pytest',
    rule: kind === 'failure' ? 'test-failed' : where.test === undefined ? 'collection-error' : 'test-error',
    severity: 'error',
    file,
    line,
    column: 0,
    message: `${testId}: ${headline}`,
  }
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => line !== '') ?? ''
  )
}
