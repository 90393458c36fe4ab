// The `pytest` check: the repository's own tests against the environment (`pytest -m integration` or
// `-m e2e`), with its URLs and DSNs exported like a command check's. Results come from the JUnit report, read
// by the test phase's parser; the evidence counts them and the details name each failing test.
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {CommandNotFound, execFile} from '../../adapters/process.js'
import {JUNIT_FILE, parsePytest, type PytestOptions, type TestCounts} from '../../checks/pytest.js'
import {formatMs} from '../run-check.js'
import type {Probe} from '../types.js'
import {checkDirectory, checkEnvironment, programNotFound} from './command.js'

// pytest's exit code when nothing was collected, or everything was deselected by -m.
const NO_TESTS = 5

/** The parser's options for a run without coverage; test paths come from the repository's configuration. */
const PARSE_OPTIONS: PytestOptions = {paths: [], args: [], coverage: {enabled: false, source: []}, noTestsCollected: 'fail'}

export const pytestProbe: Probe<'pytest'> = async (check, ctx) => {
  const marker = check.marker ?? check.suite
  const cwd = await checkDirectory(ctx, check.cwd)
  if (!cwd.ok) return cwd.result
  const program = check.path === undefined ? 'pytest' : resolveProgram(check.path, ctx.projectRoot)
  const reportDir = await mkdtemp(path.join(os.tmpdir(), 'cicd-verify-pytest-'))
  try {
    const junit = path.join(reportDir, JUNIT_FILE)
    const argv = ['-m', marker, '--junitxml', junit, '-q', '-p', 'no:cacheprovider', ...check.args]
    // No bytecode next to the repository's code: a verify run leaves the checkout as it found it.
    const env = {PYTHONDONTWRITEBYTECODE: '1', ...checkEnvironment(ctx, check.env)}
    let output
    try {
      output = await execFile(program, argv, {cwd: cwd.path, env, signal: ctx.signal, killGroup: true})
    } catch (error) {
      if (error instanceof CommandNotFound) return programNotFound(program, 'install pytest, or set path on the check')
      throw error
    }
    // Aborted: the runner words the evidence (timeout or interruption).
    ctx.signal.throwIfAborted()
    if (output.exitCode === NO_TESTS) return {ok: false, evidence: `no test selected by -m ${marker} (pytest exit ${NO_TESTS}): mark the tests, or set marker on the check`}
    const xml = await readFile(junit, 'utf8').catch(() => undefined)
    const parsed = parsePytest({...output, files: xml === undefined ? {} : {[JUNIT_FILE]: xml}}, {root: cwd.path}, PARSE_OPTIONS)
    if (parsed.kind === 'error') {
      // "pytest reported a usage error (exit code 4):" and then what pytest printed.
      const [headline, ...rest] = parsed.message.split('\n')
      return {ok: false, evidence: headline.replace(/:$/, ''), details: rest}
    }
    const {tests} = parsed
    const ran = tests.passed + tests.failed + tests.errors
    const evidence = `${summary(tests)} in ${formatMs(output.durationMs)}${ran === 0 ? ' (no test ran)' : ''}`
    return {ok: ran > 0 && tests.failed + tests.errors === 0, evidence, details: parsed.findings.map((finding) => finding.message)}
  } finally {
    await rm(reportDir, {recursive: true, force: true})
  }
}

/** `12 passed, 1 failed, 2 skipped`, like pytest's own summary line. */
function summary(tests: TestCounts): string {
  const parts = [`${tests.passed} passed`]
  if (tests.failed > 0) parts.push(`${tests.failed} failed`)
  if (tests.errors > 0) parts.push(`${tests.errors} ${tests.errors === 1 ? 'error' : 'errors'}`)
  if (tests.skipped > 0) parts.push(`${tests.skipped} skipped`)
  return parts.join(', ')
}

/** A path with a slash (`.venv/bin/pytest`) is the project's; a bare name is looked up on PATH. */
function resolveProgram(program: string, projectRoot: string): string {
  return program.includes('/') ? path.resolve(projectRoot, program) : program
}
