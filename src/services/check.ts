// `cicd check`: find the repository, load its configuration, plan the checks, pick a runner, run the
// phases, and return one RunResult (rendering is the command's job).
import os from 'node:os'

import picomatch from 'picomatch'

import {listRepositoryFiles} from '../adapters/git-repo.js'
import type {Terminal} from '../adapters/terminal.js'
import {STATIC_CHECKS} from '../checks/registry.js'
import type {PhaseId} from '../checks/types.js'
import {effectiveExcludes} from '../config/defaults.js'
import {hasOwnFlake8Config, loadConfig, locateProjectRoot} from '../config/load.js'
import type {CicdConfig, RunnerChoice} from '../config/types.js'
import {PrerequisiteError} from '../errors.js'
import type {CleanupStack} from '../lifecycle/cleanup.js'
import {executeCheck} from '../pipeline/execute-check.js'
import {planChecks} from '../pipeline/plan.js'
import {Pool} from '../pipeline/pool.js'
import type {PhaseResult, RunResult} from '../pipeline/result.js'
import {runScheduled, type OutputMode} from '../pipeline/scheduler.js'
import {runExitCode, worstStatus} from '../pipeline/verdict.js'
import {openResultCache} from '../cache/result-cache.js'
import {selectRunner} from '../runners/select.js'
import {openToolVersionStore} from '../runners/tool-versions.js'

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
}

export async function runCheck(options: CheckOptions): Promise<RunResult> {
  const started = performance.now()
  const startedAt = new Date().toISOString()
  const root = await locateProjectRoot(options.cwd)
  const loaded = await loadConfig({root})
  const {config} = loaded
  const phases = options.phases ?? ['static']

  const allFiles = await listRepositoryFiles(root)
  const projectPythonFiles = selectPythonFiles(allFiles, config)
  const pythonFiles = options.files ? projectPythonFiles.filter((file) => options.files!.includes(file)) : projectPythonFiles
  const present = new Set(allFiles)
  const requirementFiles = config.dependencies.requirements.filter((file) => present.has(file))

  const planned = planChecks({
    config,
    definitions: STATIC_CHECKS,
    phases,
    pythonFiles,
    requirementFiles,
    only: options.only ?? [],
    skip: options.skip ?? [],
    repoHasFlake8Config: await hasOwnFlake8Config(root),
    maxLineLengthExplicit: loaded.sources['checks.flake8.maxLineLength'] !== 'default',
    restrictedToFiles: options.files !== undefined,
  })

  const parallelism = config.concurrency > 0 ? config.concurrency : os.availableParallelism()
  const runner = await selectRunner({
    choice: options.runner ?? config.runner,
    image: options.toolsImage ?? config.tools.image,
    root,
    config,
    cleanup: options.cleanup,
    terminal: options.terminal,
  })

  const versions = await openToolVersionStore()
  const cache = await openResultCache({
    root,
    enabled: (options.cache ?? true) && config.cache.enabled,
    maxSizeMb: config.cache.maxSizeMb,
    dir: config.cache.dir,
    cicdVersion: options.cicdVersion,
    warn: (message) => options.terminal.error(`cache: ${message}`),
  })
  const contents = await cache.contents([...projectPythonFiles, ...new Set(STATIC_CHECKS.flatMap((d) => d.configFiles))])
  const missing: PrerequisiteError[] = []
  const pool = new Pool(parallelism)
  const phaseResults: PhaseResult[] = []
  try {
    for (const phase of phases) {
      const phaseStarted = performance.now()
      const checks = await runScheduled(
        {id: phase, checks: planned.filter((p) => p.definition.phase === phase)},
        (check) =>
          executeCheck(check, {
            runner,
            pool,
            root,
            parallelism,
            pylint: {failUnder: config.checks.pylint.failUnder, scoreGate: config.checks.pylint.scoreGate},
            versions,
            cache,
            contents,
            pythonFiles: projectPythonFiles,
            onMissingTool: (error) => missing.push(error),
          }),
        options.output,
      )
      phaseResults.push({
        id: phase,
        status: worstStatus(checks.map((c) => c.status)),
        durationMs: Math.round(performance.now() - phaseStarted),
        checks,
      })
    }
  } finally {
    await Promise.all([runner.dispose(), versions.flush(), cache.close()])
  }
  for (const error of missing) options.terminal.problem(error.message, error.nextSteps)

  const exitCode = runExitCode(phaseResults, missing.length > 0)
  return {
    ok: exitCode === 0,
    exitCode,
    durationMs: Math.round(performance.now() - started),
    runner: runner.kind,
    root,
    startedAt,
    phases: phaseResults,
  }
}

function selectPythonFiles(files: string[], config: CicdConfig): string[] {
  const included = picomatch(config.paths.include, {dot: false})
  const excluded = picomatch(effectiveExcludes(config.paths), {dot: true})
  return files.filter((file) => file.endsWith('.py') && included(file) && !excluded(file)).sort()
}
