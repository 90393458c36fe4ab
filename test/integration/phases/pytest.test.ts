// The test phase on the real pytest and pytest-cov (/usr/bin), through the local runner, on copies of the
// example platform: coverage equals what `coverage report` says for the same run, a failing test is a
// finding at its line, a hanging suite is stopped by the timeout, an empty suite says so.
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {execa} from 'execa'
import {afterEach, describe, expect, it} from 'vitest'

import {createPytestCheck, parsePytest, pytestEnv, type PytestOptions, type PytestParseResult} from '../../../src/checks/pytest.js'
import {formatPercent} from '../../../src/coverage/cobertura.js'
import {coverageVerdict} from '../../../src/coverage/gate.js'
import {createLocalRunner} from '../../../src/runners/local.js'
import {createTempRepo, EXAMPLE_PLATFORM, type TempRepo} from '../../helpers/repo.js'

const options: PytestOptions = {paths: [], args: [], coverage: {enabled: true, source: []}, noTestsCollected: 'fail', timeoutSeconds: 4}
const repos: TempRepo[] = []
afterEach(async () => {
  await Promise.all(repos.splice(0).map((repo) => repo.remove()))
})

async function platform(): Promise<TempRepo> {
  const repo = await createTempRepo({from: EXAMPLE_PLATFORM, prefix: 'cicd-pytest-'})
  repos.push(repo)
  return repo
}

/** Runs the pytest check as the pipeline does: argv into a fresh output directory, output files read back. */
async function runPytest(root: string, pytestOptions = options, timeoutMs?: number): Promise<{result: PytestParseResult; outputDir: string; dispose: () => Promise<void>}> {
  const runner = createLocalRunner({paths: {pytest: '/usr/bin/pytest'}})
  const check = createPytestCheck(pytestOptions)
  const outputDir = await runner.outputDir('pytest')
  const output = await runner.run({argv: check.argv([], {args: []}, outputDir), cwd: root, env: pytestEnv(outputDir), timeoutMs})
  const files: Record<string, string> = {}
  for (const name of check.outputFiles ?? []) {
    const text = await readFile(path.join(outputDir, name), 'utf8').catch(() => undefined)
    if (text !== undefined) files[name] = text
  }
  return {result: parsePytest({...output, files}, {root}, pytestOptions), outputDir, dispose: () => runner.dispose()}
}

describe('the test phase on the real pytest', () => {
  it('reports the coverage `coverage report` gives for the same run, and passes the 70% gate', async () => {
    const repo = await platform()
    const {result, outputDir, dispose} = await runPytest(repo.dir)
    try {
      if (result.kind !== 'findings') throw new Error(result.message)
      expect(result.findings).toEqual([])
      expect(result.tests.failed).toBe(0)
      expect(result.tests.passed).toBeGreaterThan(20)
      const report = await execa('/usr/bin/python3', ['-m', 'coverage', 'report', '--precision=2'], {cwd: repo.dir, env: pytestEnv(outputDir)})
      const total = /^TOTAL\s.*?(\d+\.\d+)%$/m.exec(report.stdout)?.[1]
      expect(total).toBeDefined()
      expect(formatPercent(result.coverage!.percent)).toBe(`${total}%`)
      expect(coverageVerdict(result.coverage!, {threshold: 70, gate: 'block'}).status).toBe('passed')
      // Nothing written into the repository: .coverage and .pytest_cache went elsewhere or nowhere.
      expect(await repo.git('status', '--porcelain', '--ignored')).not.toMatch(/\.coverage|\.pytest_cache/)
    } finally {
      await dispose()
    }
  })

  it('turns a failing test into a finding at the failing line, and coverage under the gate gives both numbers', async () => {
    const repo = await platform()
    await repo.write('tests/test_broken.py', 'from src.utils.validation import *  # noqa\n\n\ndef test_broken():\n    total = 1 + 1\n    assert total == 3, "arithmetic is broken"\n')
    const {result, dispose} = await runPytest(repo.dir)
    await dispose()
    if (result.kind !== 'findings') throw new Error(result.message)
    expect(result.findings).toEqual([
      {
        tool: 'pytest',
        rule: 'test-failed',
        severity: 'error',
        file: 'tests/test_broken.py',
        line: 6,
        column: 0,
        message: 'tests/test_broken.py::test_broken: AssertionError: arithmetic is broken',
      },
    ])
    const verdict = coverageVerdict(result.coverage!, {threshold: 95, gate: 'block'})
    expect(verdict.status).toBe('failed')
    expect(verdict.reason).toMatch(/^coverage \d+\.\d\d% \(\d+ of \d+ lines\) is under the 95% threshold/)
  })

  it('stops a hanging test suite at the timeout with a message that names the setting', async () => {
    const repo = await platform()
    await repo.write('tests/test_hangs.py', 'import time\n\n\ndef test_hangs():\n    time.sleep(120)\n')
    const started = performance.now()
    const {result, dispose} = await runPytest(repo.dir, options, 4000)
    await dispose()
    expect(performance.now() - started).toBeLessThan(30_000)
    expect(result).toEqual({kind: 'error', message: expect.stringMatching(/pytest did not finish within 4 s and was stopped \(test\.timeoutSeconds\)/)})
  })

  it('says so when no test is collected, and accepts it when configured', async () => {
    const repo = await platform()
    const empty = {...options, paths: ['dags']}
    const {result, dispose} = await runPytest(repo.dir, empty)
    await dispose()
    expect(result).toEqual({kind: 'error', message: expect.stringMatching(/^pytest collected no tests in dags \(exit code 5\)/)})
    const accepted = await runPytest(repo.dir, {...empty, noTestsCollected: 'pass'})
    await accepted.dispose()
    expect(accepted.result).toMatchObject({kind: 'findings', findings: [], tests: {tests: 0}})
  })
})
