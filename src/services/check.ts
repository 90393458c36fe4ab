// `cicd check`: find the repository, load its configuration, plan the checks, pick a runner, run the
// phases, and return one RunResult (rendering is the command's job).
import {readFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import picomatch from 'picomatch'

import {listRepositoryFiles} from '../adapters/git-repo.js'
import {loadExecFile} from '../adapters/process.js'
import type {Terminal} from '../adapters/terminal.js'
import {STATIC_CHECKS} from '../checks/registry.js'
import type {PhaseId} from '../checks/types.js'
import {effectiveExcludes} from '../config/defaults.js'
import {hasOwnFlake8Config, loadConfig, locateProjectRoot} from '../config/load.js'
import type {CicdConfig, RunnerChoice} from '../config/types.js'
import {PrerequisiteError} from '../errors.js'
import type {CleanupStack} from '../lifecycle/cleanup.js'
import {executeCheck} from '../pipeline/execute-check.js'
import {planChecks, type PlannedCheck} from '../pipeline/plan.js'
import {Pool} from '../pipeline/pool.js'
import type {CheckResult, PhaseResult, RunResult} from '../pipeline/result.js'
import {describeResult, runScheduled, type OutputMode} from '../pipeline/scheduler.js'
import {runExitCode, worstStatus} from '../pipeline/verdict.js'
import type {ImageBuildResult} from '../build/build-images.js'
import {openResultCache, type ResultCache} from '../cache/result-cache.js'
import type {ContentIds} from '../cache/keys.js'
import {coverageVerdict} from '../coverage/gate.js'
import {evaluateGates, gatesBlock, type GateResult} from '../gates/evaluate.js'
import {readRequirements} from '../gates/requirements.js'
import {findSecretsInFiles} from '../gates/secrets.js'
import {selectRunner} from '../runners/select.js'
import type {Runner} from '../runners/types.js'
import {openToolVersionStore, type ToolVersionStore} from '../runners/tool-versions.js'

export interface CheckOptions {
  cwd: string
  phases?: PhaseId[]
  only?: string[]
  skip?: string[]
  runner?: RunnerChoice
  toolsImage?: string
  /** Restricts file-local checks to these repository-relative files (the hook's changed files). */
  files?: string[]
  output: OutputMode
  cleanup: CleanupStack
  terminal: Terminal
  /** false with --no-cache: every tool runs, nothing is stored. */
  cache?: boolean
  /** cicd's own version: results stored by another release are not reused. */
  cicdVersion: string
  /** Build and scan even when the tests failed. */
  keepGoing?: boolean
  /** false: no report folder (the hook, which must not write into a working tree). */
  writeReport?: boolean
}

/** Check ids of the phases that are not static tools, for --only and --skip (and CICD_SKIP in the hook). */
export const PHASE_CHECK_IDS: Readonly<Record<Exclude<PhaseId, 'static'>, readonly string[]>> = {
  test: ['pytest'],
  build: ['build'],
  scan: ['scan', 'trivy'],
}

/** What every phase of one run works with, and what an earlier phase leaves for a later one. */
interface RunState {
  options: CheckOptions
  root: string
  config: CicdConfig
  allFiles: string[]
  projectPythonFiles: string[]
  planned: PlannedCheck[]
  runner: Runner
  versions: ToolVersionStore
  cache: ResultCache
  contents: ContentIds
  pool: Pool
  parallelism: number
  shortSha?: string
  progress(line: string): void
  /** Tools that could not run: reported once, after every phase. */
  missing: PrerequisiteError[]
  coverageXml?: string
  built?: ImageBuildResult[]
  /** Why build and scan do not run (the tests failed). */
  blockedBy?: string
}

export async function runCheck(options: CheckOptions): Promise<RunResult> {
  const started = performance.now()
  const startedAt = new Date().toISOString()
  // The tools start through execa: its modules load while git and the configuration are read.
  void loadExecFile().catch(() => undefined)
  const root = await locateProjectRoot(options.cwd)
  // Independent: the configuration is parsed while git lists the files.
  const [loaded, allFiles, repoHasFlake8Config] = await Promise.all([loadConfig({root}), listRepositoryFiles(root), hasOwnFlake8Config(root)])
  const {config} = loaded
  const only = options.only ?? []
  const skip = options.skip ?? []
  const phases = (options.phases ?? DEFAULT_PHASES).filter((phase) => phase === 'static' || phaseWanted(phase, only, skip))

  const projectPythonFiles = selectPythonFiles(allFiles, config)
  const pythonFiles = options.files ? projectPythonFiles.filter((file) => options.files!.includes(file)) : projectPythonFiles
  const present = new Set(allFiles)
  const requirementFiles = config.dependencies.requirements.filter((file) => present.has(file))

  const planned = planChecks({
    config,
    definitions: STATIC_CHECKS,
    extraIds: Object.values(PHASE_CHECK_IDS).flat(),
    phases,
    pythonFiles,
    requirementFiles,
    only: only.filter((id) => !isPhaseCheckId(id)),
    onlyGiven: only.length > 0,
    skip,
    repoHasFlake8Config,
    maxLineLengthExplicit: loaded.sources['checks.flake8.maxLineLength'] !== 'default',
    restrictedToFiles: options.files !== undefined,
  })

  const parallelism = config.concurrency > 0 ? config.concurrency : os.availableParallelism()
  // The stores open while the runner is chosen (which may ask a Docker engine); whichever fails, the other
  // is closed again.
  const opening = Promise.all([
    openToolVersionStore(),
    openResultCache({
      root,
      enabled: (options.cache ?? true) && config.cache.enabled,
      maxSizeMb: config.cache.maxSizeMb,
      dir: config.cache.dir,
      cicdVersion: options.cicdVersion,
      warn: (message) => options.terminal.error(`cache: ${message}`),
    }),
  ])
  let runner: Runner
  try {
    runner = await selectRunner({
      choice: options.runner ?? config.runner,
      image: options.toolsImage ?? config.tools.image,
      root,
      config,
      cleanup: options.cleanup,
      terminal: options.terminal,
      tools: planned.filter((check) => !check.skipReason && check.definition.phase === 'static').map((check) => check.definition.tool),
    })
  } catch (error) {
    await opening.then(([, opened]) => opened.close()).catch(() => undefined)
    throw error
  }
  const [versions, cache] = await opening.catch(async (error: unknown) => {
    await runner.dispose()
    throw error
  })
  const state: RunState = {
    options,
    root,
    config,
    allFiles,
    projectPythonFiles,
    planned,
    runner,
    versions,
    cache,
    contents: await cache.contents([...projectPythonFiles, ...new Set(STATIC_CHECKS.flatMap((d) => d.configFiles))]),
    pool: new Pool(parallelism),
    parallelism,
    // Only the build phase tags images with the commit: a run without it spends no git call on it.
    shortSha: phases.includes('build') ? await shortCommit(root) : undefined,
    progress: (line) => {
      if (options.output !== 'silent') options.terminal.error(line)
    },
    missing: [],
  }
  // Work that needs no tool result proceeds while the tools run: gate 1's secret scan of the tracked files,
  // and loading the report writer. It runs on this thread, so it starts once the first tool has (or once the
  // phases are over, when no tool ran).
  let phasesOver = () => {}
  const toolsUnderWay = Promise.race([state.pool.started, new Promise<void>((resolve) => (phasesOver = resolve))])
  const secretScan = phases.includes('static') && config.gates.codeSecurity.secrets ? handled(toolsUnderWay.then(() => findSecretsInFiles(root, allFiles))) : undefined
  const reportWriter = (options.writeReport ?? true) ? handled(toolsUnderWay.then(() => import('../reports/report-folder.js'))) : undefined
  const phaseResults: PhaseResult[] = []
  try {
    for (const phase of phases) {
      const phaseStarted = performance.now()
      const checks = await PHASE_RUNS[phase](state)
      if (phase !== 'static') for (const check of checks) state.progress(describeResult(check))
      phaseResults.push({id: phase, status: worstStatus(checks.map((c) => c.status)), durationMs: Math.round(performance.now() - phaseStarted), checks})
    }
  } finally {
    phasesOver()
    await Promise.all([runner.dispose(), versions.flush(), cache.close()])
  }
  for (const error of state.missing) options.terminal.problem(error.message, error.nextSteps)

  const gates = await evaluateRunGates({root, config, phases: phaseResults, secretScan, requirementFiles, built: state.built})
  const exitCode = Math.max(runExitCode(phaseResults, state.missing.length > 0), gatesBlock(gates) ? 1 : 0)
  const result: RunResult = {
    ok: exitCode === 0,
    exitCode,
    durationMs: Math.round(performance.now() - started),
    runner: runner.kind,
    runnerStartMs: runner.startMs,
    root,
    startedAt,
    phases: phaseResults,
    gates,
    resultCache: cache.enabled ? 'on' : 'off',
    runnerChoice: options.runner ?? config.runner,
  }
  if (reportWriter) result.reportDir = await writeRunReport(await reportWriter, result, config, state.coverageXml, root)
  return result
}

/** The static tools, each on its planned files, all at once (the pool bounds the processes). */
async function runStaticPhase(state: RunState): Promise<CheckResult[]> {
  const {config} = state
  const results = await runScheduled(
    {id: 'static', checks: longestFirst(state.planned.filter((p) => p.definition.phase === 'static'))},
    (check) =>
      executeCheck(check, {
        runner: state.runner,
        pool: state.pool,
        root: state.root,
        parallelism: state.parallelism,
        pylint: {failUnder: config.checks.pylint.failUnder, scoreGate: config.checks.pylint.scoreGate},
        versions: state.versions,
        cache: state.cache,
        contents: state.contents,
        pythonFiles: state.projectPythonFiles,
        onMissingTool: (error) => state.missing.push(error),
        holdSlot: check.definition.id === 'pylint',
      }),
    state.options.output,
  )
  return results.sort((a, b) => registryIndex(a.id) - registryIndex(b.id))
}

/** pytest with coverage; a failure blocks the image phases unless --keep-going. */
async function runTests(state: RunState): Promise<CheckResult[]> {
  const tests = await testRunner(state.runner, state.config, state.root, state.options.cleanup)
  // The phase modules load only when their phase runs: the hook starts the CLI on every push.
  const {runTestPhase} = await import('../pipeline/test-phase.js')
  const outcome = await runTestPhase({runner: tests, root: state.root, config: state.config, onMissingTool: (error) => state.missing.push(error)}).finally(
    () => tests !== state.runner && tests.dispose(),
  )
  state.coverageXml = outcome.coverageXml
  if ((outcome.result.status === 'failed' || outcome.result.status === 'error') && !state.options.keepGoing) {
    state.blockedBy = 'the test phase failed (--keep-going builds and scans anyway)'
  }
  return [outcome.result]
}

function imageContext(state: RunState) {
  return {root: state.root, config: state.config, files: state.allFiles, shortSha: state.shortSha, progress: state.progress, debug: (line: string) => state.options.terminal.debug(line)}
}

async function buildImages(state: RunState): Promise<CheckResult[]> {
  if (state.blockedBy) return [skippedPhase('build', state.blockedBy)]
  const {runBuildPhase} = await import('../pipeline/image-phases.js')
  const outcome = await engineMissingAsError('build', state.missing, () => runBuildPhase(imageContext(state)))
  state.built = 'built' in outcome ? outcome.built : []
  if (!('results' in outcome)) return [outcome]
  return outcome.skipReason ? [skippedPhase('build', outcome.skipReason)] : outcome.results
}

async function scanImages(state: RunState): Promise<CheckResult[]> {
  if (state.blockedBy) return [skippedPhase('scan', state.blockedBy)]
  const images = state.built
  if (images === undefined) return [skippedPhase('scan', 'the build phase did not run, so there is no image to scan')]
  const {runScanPhase} = await import('../pipeline/image-phases.js')
  const outcome = await engineMissingAsError('scan', state.missing, () => runScanPhase(imageContext(state), images))
  return Array.isArray(outcome) ? outcome : [outcome]
}

const PHASE_RUNS: Record<PhaseId, (state: RunState) => Promise<CheckResult[]>> = {static: runStaticPhase, test: runTests, build: buildImages, scan: scanImages}

const DEFAULT_PHASES: PhaseId[] = ['static', 'test']

/**
 * pylint first, holding a pool slot while it prepares its run: it is most of a cold static phase's time, so
 * starting it last would leave one core idle at the end. Results are reported in the registry's order.
 */
function registryIndex(id: string): number {
  return STATIC_CHECKS.findIndex((definition) => definition.id === id)
}

function longestFirst(checks: PlannedCheck[]): PlannedCheck[] {
  return [...checks].sort((a, b) => Number(b.definition.id === 'pylint') - Number(a.definition.id === 'pylint'))
}

function isPhaseCheckId(id: string): boolean {
  return Object.values(PHASE_CHECK_IDS).some((ids) => ids.includes(id))
}

/** A phase other than static runs unless --skip names it, or --only names checks but not it. */
function phaseWanted(phase: Exclude<PhaseId, 'static'>, only: string[], skip: string[]): boolean {
  const ids = PHASE_CHECK_IDS[phase]
  if (ids.some((id) => skip.includes(id))) return false
  return only.length === 0 || ids.some((id) => only.includes(id))
}

/**
 * Tests need the project's dependencies, which the tools image may lack: with the container runner and a
 * test.image of its own, the test phase gets a container of that image (registered with the cleanup like
 * the run's own, and removed when the phase ends).
 */
async function testRunner(runner: Runner, config: CicdConfig, root: string, cleanup: CleanupStack): Promise<Runner> {
  if (runner.kind !== 'container' || !config.test.image) return runner
  const {createContainerRunner} = await import('../runners/container.js')
  return createContainerRunner({root, image: config.test.image, cleanup})
}

/**
 * A missing engine or scanner image is a prerequisite problem: the phase becomes an error result (so the
 * summary and the report still show everything that ran) and the run exits 3.
 */
async function engineMissingAsError<T>(phase: PhaseId, missing: PrerequisiteError[], run: () => Promise<T>): Promise<T | CheckResult> {
  const started = performance.now()
  try {
    return await run()
  } catch (error) {
    if (!(error instanceof PrerequisiteError)) throw error
    missing.push(error)
    const durationMs = Math.round(performance.now() - started)
    return {id: phase, tool: phase === 'scan' ? 'trivy' : 'docker', phase, status: 'error', cached: false, durationMs, findings: [], gate: 'block', reason: error.message}
  }
}

function skippedPhase(phase: PhaseId, reason: string): CheckResult {
  return {id: phase, tool: phase, phase, status: 'skipped', cached: false, durationMs: 0, findings: [], gate: 'block', reason}
}

async function shortCommit(root: string): Promise<string | undefined> {
  const {simpleGit} = await import('simple-git')
  return simpleGit({baseDir: root})
    .revparse(['--short', 'HEAD'])
    .then((sha) => sha.trim() || undefined)
    .catch(() => undefined)
}

interface GateContext {
  root: string
  config: CicdConfig
  phases: PhaseResult[]
  /** The secret scan started with the run; undefined when gate 1 does not look for secrets or static does not run. */
  secretScan?: ReturnType<typeof findSecretsInFiles>
  requirementFiles: string[]
  built?: ImageBuildResult[]
}

/** The five gates over what ran: secrets are looked for only when the static phase (gate 1's) ran. */
async function evaluateRunGates(context: GateContext): Promise<GateResult[]> {
  const {config} = context
  const checks = context.phases.flatMap((p) => p.checks)
  const staticRan = context.phases.some((p) => p.id === 'static')
  const secrets = staticRan ? await context.secretScan : undefined
  const requirements = staticRan
    ? (
        await Promise.all(
          context.requirementFiles.map(async (file) => readRequirements(file, await readFile(path.join(context.root, file), 'utf8').catch(() => ''))),
        )
      ).flat()
    : undefined
  // Licenses come from the installed packages' metadata, so only when an allowlist asks for them.
  const licenses =
    requirements && config.gates.dependencies.allowedLicenses.length > 0
      ? // Unreadable metadata leaves licenses unchecked, which gate 2 then says, rather than failing the run.
        await (await import('../gates/licenses.js')).readInstalledLicenses('python3', [...new Set(requirements.map((r) => r.name))], context.root).catch(() => undefined)
      : undefined
  const images = context.built?.map((image) => ({name: image.name, dockerfile: image.dockerfile, baseImages: image.baseImages}))
  return evaluateGates({checks, secrets, requirements, licenses, images, config: config.gates})
}

type ReportWriter = typeof import('../reports/report-folder.js')

/** The promise itself, marked as handled: it is awaited later, and until then a rejection must not end the process. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined)
  return promise
}

async function writeRunReport(writer: ReportWriter, result: RunResult, config: CicdConfig, coverageXml: string | undefined, root: string): Promise<string> {
  const pytest = result.phases.flatMap((p) => p.checks).find((c) => c.id === 'pytest')
  const coverage =
    pytest?.coverage && config.test.coverage.enabled
      ? {summary: pytest.coverage, threshold: config.test.coverage.threshold, status: coverageVerdict(pytest.coverage, config.test.coverage).status}
      : undefined
  const {dir} = await writer.writeReportFolder({
    reportsDir: path.resolve(root, config.reports.dir),
    data: {run: result, coverage, tests: pytest?.tests, gates: result.gates},
    coverageXml,
    keep: config.reports.keep,
  })
  return dir
}

function selectPythonFiles(files: string[], config: CicdConfig): string[] {
  const included = picomatch(config.paths.include, {dot: false})
  const excluded = picomatch(effectiveExcludes(config.paths), {dot: true})
  return files.filter((file) => file.endsWith('.py') && included(file) && !excluded(file)).sort()
}
