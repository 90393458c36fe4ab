// The test phase: pytest with coverage through the run's runner, its JUnit and Cobertura reports read back
// from the invocation's output directory, failing tests as findings, and the coverage gate. HOME and TMPDIR
// point into directories of the runner's, removed with it, so a suite's stray writes leave nothing behind.
import {readFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {COVERAGE_FILE, createPytestCheck, JUNIT_FILE, pytestEnv, pytestSandboxEnv} from '../checks/pytest.js'
import type {CicdConfig} from '../config/types.js'
import {coverageVerdict} from '../coverage/gate.js'
import {isCicdError, PrerequisiteError} from '../errors.js'
import type {Runner} from '../runners/types.js'
import type {CheckResult} from './result.js'
import {TOOL_ENV} from './execute-check.js'
import {checkStatus, worstStatus} from './verdict.js'

export interface TestPhaseContext {
  runner: Runner
  root: string
  config: CicdConfig
  onMissingTool(error: PrerequisiteError): void
}

export interface TestPhaseOutcome {
  result: CheckResult
  /** The coverage.xml pytest-cov wrote, for the report folder. */
  coverageXml?: string
}

export async function runTestPhase(context: TestPhaseContext): Promise<TestPhaseOutcome> {
  const {test} = context.config
  const definition = createPytestCheck({
    paths: test.paths,
    args: test.args,
    coverage: test.coverage,
    noTestsCollected: test.noTestsCollected,
    timeoutSeconds: test.timeoutSeconds,
  })
  const base = {id: 'pytest', tool: 'pytest', phase: 'test' as const, cached: false, gate: test.gate}
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  try {
    const toolPath = (await context.runner.resolve('pytest')).path
    const outputDir = await context.runner.outputDir('pytest')
    const sandbox = {
      home: await context.runner.outputDir('pytest-home'),
      tmp: await context.runner.outputDir('pytest-tmp'),
      // A container's user base is the image's; only the local HOME moves away from the user's packages.
      userBase: context.runner.kind === 'local' ? (process.env.PYTHONUSERBASE ?? path.join(os.homedir(), '.local')) : undefined,
    }
    const output = await context.runner.run({
      argv: definition.argv([], {args: test.args}, outputDir),
      cwd: context.root,
      env: {...TOOL_ENV, ...pytestEnv(outputDir), ...pytestSandboxEnv(sandbox)},
      timeoutMs: test.timeoutSeconds * 1000,
    })
    const files = Object.fromEntries(
      await Promise.all(
        [JUNIT_FILE, COVERAGE_FILE].map(async (name) => [name, await readFile(path.join(outputDir, name), 'utf8').catch(() => undefined)] as const),
      ),
    )
    const parsed = definition.parse({...output, files: Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined)) as Record<string, string>}, {root: context.root})
    const common = {...base, toolPath, durationMs: elapsed(), exitCode: output.exitCode}
    if (parsed.kind === 'error') return {result: {...common, status: 'error', findings: [], reason: parsed.message}}
    const verdicts = [checkStatus(parsed.findings, test.gate)]
    if (parsed.coverage && test.coverage.enabled) {
      verdicts.push(coverageVerdict(parsed.coverage, {threshold: test.coverage.threshold, gate: test.coverage.gate}))
    }
    const status = worstStatus(verdicts.map((v) => v.status))
    const reason = [parsed.note, ...verdicts.map((v) => v.reason)].filter(Boolean).join('; ') || undefined
    return {
      result: {...common, status, reason, findings: parsed.findings, tests: parsed.tests, coverage: parsed.coverage},
      coverageXml: files[COVERAGE_FILE],
    }
  } catch (error) {
    if (error instanceof PrerequisiteError) {
      context.onMissingTool(error)
      return {result: {...base, status: 'error', durationMs: elapsed(), findings: [], reason: error.message}}
    }
    if (isCicdError(error)) throw error
    return {result: {...base, status: 'error', durationMs: elapsed(), findings: [], reason: `could not run pytest: ${String(error)}`}}
  }
}
