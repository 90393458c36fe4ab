// Runs one planned check through a runner: batches for file-local tools, the version probe alongside, every
// batch parsed on its own, and the results merged into one CheckResult.
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {isCicdError, PrerequisiteError} from '../errors.js'
import type {CheckDefinition, Finding, ToolOutput} from '../checks/types.js'
import type {ToolVersionStore} from '../runners/tool-versions.js'
import type {Runner} from '../runners/types.js'
import type {CheckResult} from './result.js'
import {splitIntoBatches} from './batches.js'
import type {PlannedCheck} from './plan.js'
import type {Pool} from './pool.js'
import {checkStatus} from './verdict.js'

export interface ExecuteContext {
  runner: Runner
  pool: Pool
  root: string
  parallelism: number
  /** pylint's score gate from configuration. */
  pylint: {failUnder: number; scoreGate: 'block' | 'warn'}
  versions: ToolVersionStore
  /** Called when a tool is missing, so the run can exit 3 after reporting every check. */
  onMissingTool(error: PrerequisiteError): void
}

/**
 * A fixed hash seed: pylint names an import cycle by walking sets, so with Python's random seed the same
 * code gives a differently worded cyclic-import message from run to run. Findings must be reproducible
 * (for parity with CI, for the cache, for SARIF fingerprints); the seed changes no verdict.
 */
export const TOOL_ENV: Readonly<Record<string, string>> = Object.freeze({PYTHONHASHSEED: '0'})

export async function executeCheck(planned: PlannedCheck, context: ExecuteContext): Promise<CheckResult> {
  const {definition} = planned
  const base = {id: definition.id, tool: definition.tool, phase: definition.phase, cached: false, gate: planned.gate}
  if (planned.skipReason) return {...base, status: 'skipped', durationMs: 0, findings: [], reason: planned.skipReason}
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)

  let toolPath: string
  try {
    toolPath = (await context.runner.resolve(definition.tool)).path
  } catch (error) {
    if (error instanceof PrerequisiteError) {
      context.onMissingTool(error)
      return {...base, status: 'error', durationMs: elapsed(), findings: [], reason: error.message}
    }
    throw error
  }

  const run = (argv: string[]) => context.pool.run(() => context.runner.run({argv, cwd: context.root, env: TOOL_ENV}))
  const invoke = async (files: string[], index: number): Promise<ToolOutput> => {
    const outputDir = await context.runner.outputDir(`${definition.id}-${index}`)
    const output = await run(definition.argv(files, planned.settings, outputDir))
    return definition.outputFiles ? {...output, files: await readOutputFiles(outputDir, definition.outputFiles)} : output
  }
  const batches = definition.fileLocal ? splitIntoBatches(planned.files, context.parallelism) : [planned.files]
  const versionProbe = toolVersion(definition, context, run).catch(() => undefined)

  let outputs: ToolOutput[]
  try {
    outputs = await Promise.all(batches.map((files, index) => invoke(files, index)))
  } catch (error) {
    if (isCicdError(error)) throw error
    return {...base, toolPath, status: 'error', durationMs: elapsed(), findings: [], reason: `could not run ${definition.tool}: ${String(error)}`}
  }

  const findings: Finding[] = []
  let score: number | undefined
  for (const output of outputs) {
    const parsed = definition.parse(output, {root: context.root, requirements: planned.settings.requirements})
    if (parsed.kind === 'error') {
      return {
        ...base,
        toolPath,
        toolVersion: await versionProbe,
        status: 'error',
        durationMs: elapsed(),
        findings: [],
        exitCode: output.exitCode,
        reason: parsed.message,
      }
    }
    findings.push(...parsed.findings)
    if (parsed.score !== undefined) score = parsed.score
  }
  findings.sort(compareFindings)
  const scoreGate = score === undefined ? undefined : {score, failUnder: context.pylint.failUnder, gate: context.pylint.scoreGate}
  const verdict = checkStatus(findings, planned.gate, scoreGate)
  return {
    ...base,
    toolPath,
    toolVersion: await versionProbe,
    status: verdict.status,
    reason: verdict.reason,
    durationMs: elapsed(),
    findings,
    score,
    exitCode: Math.max(...outputs.map((o) => o.exitCode)),
  }
}

async function toolVersion(
  definition: CheckDefinition,
  context: ExecuteContext,
  run: (argv: string[]) => Promise<ToolOutput>,
): Promise<string | undefined> {
  const identity = await context.runner.identify(definition.tool)
  const known = context.versions.get(identity)
  if (known) return known
  const version = definition.parseVersion(await run([definition.tool, ...definition.versionArgv]))
  if (version) context.versions.set(identity, version)
  return version
}

async function readOutputFiles(dir: string, names: string[]): Promise<Record<string, string>> {
  const entries = await Promise.all(
    names.map(async (name) => [name, await readFile(path.join(dir, name), 'utf8').catch(() => undefined)] as const),
  )
  return Object.fromEntries(entries.filter((entry): entry is readonly [string, string] => entry[1] !== undefined))
}

/** A total order independent of the locale, so two runs over the same files list findings identically. */
export function compareFindings(a: Finding, b: Finding): number {
  return byCodePoint(a.file, b.file) || a.line - b.line || a.column - b.column || byCodePoint(a.rule, b.rule) || byCodePoint(a.message, b.message)
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
