// Runs one planned check through a runner: batches for file-local tools, the version probe alongside, every
// batch parsed on its own, and the results merged into one CheckResult.
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {isCicdError, PrerequisiteError} from '../errors.js'
import type {CheckDefinition, Finding, ParseResult, ToolOutput} from '../checks/types.js'
import type {ContentIds} from '../cache/keys.js'
import {type FactsReport, prepareFactsRun, readFactsReport} from '../cache/pylint-facts.js'
import {readStatements} from '../cache/pylint-split.js'
import type {CheckScope, PylintRun, ResultCache} from '../cache/result-cache.js'
import type {ToolVersionStore} from '../runners/tool-versions.js'
import type {Runner} from '../runners/types.js'
import type {CheckResult} from './result.js'
import {splitIntoBatches} from './batches.js'
import type {PlannedCheck} from './plan.js'
import type {Pool, Reservation} from './pool.js'
import {checkStatus} from './verdict.js'

export interface ExecuteContext {
  runner: Runner
  pool: Pool
  root: string
  parallelism: number
  /** pylint's score gate from configuration. */
  pylint: {failUnder: number; scoreGate: 'block' | 'warn'}
  versions: ToolVersionStore
  cache: ResultCache
  /** Content ids of the Python files and every check's configuration files. */
  contents: ContentIds
  /** Every Python file of the project: pylint's imports may reach files the run does not check. */
  pythonFiles: readonly string[]
  /** Called when a tool is missing, so the run can exit 3 after reporting every check. */
  onMissingTool(error: PrerequisiteError): void
  /** Hold a pool slot from the start (Pool.reserve): the check that decides when the phase ends. */
  holdSlot?: boolean
}

/**
 * A fixed hash seed: pylint names an import cycle by walking sets, so with Python's random seed the same
 * code gives a differently worded cyclic-import message from run to run. Findings must be reproducible
 * (for parity with CI, for the cache, for SARIF fingerprints); the seed changes no verdict.
 */
export const TOOL_ENV: Readonly<Record<string, string>> = Object.freeze({PYTHONHASHSEED: '0'})

export async function executeCheck(planned: PlannedCheck, context: ExecuteContext): Promise<CheckResult> {
  if (planned.skipReason) return {...resultBase(planned), status: 'skipped', durationMs: 0, findings: [], reason: planned.skipReason}
  // Taken before the first await, so that no check started after this one can take the slot first.
  const reservation = context.holdSlot ? context.pool.reserve() : undefined
  try {
    return await runPlanned(planned, context, reservation)
  } finally {
    reservation?.release()
  }
}

function resultBase(planned: PlannedCheck) {
  const {definition} = planned
  return {id: definition.id, tool: definition.tool, phase: definition.phase, cached: false, gate: planned.gate}
}

async function runPlanned(planned: PlannedCheck, context: ExecuteContext, reservation: Reservation | undefined): Promise<CheckResult> {
  const {definition} = planned
  const base = resultBase(planned)
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

  const tool = toolInvoker(planned, context, reservation)
  const identified = await identifyTool(definition, context, tool.run).catch(() => undefined)
  const scope = identified?.version && context.cache.enabled ? scopeOf(planned, context, {identity: identified.identity, version: identified.version}) : undefined

  let outcome: Outcome
  try {
    const oneProcess = {args: definition.oneProcessArgs?.(identified?.version) ?? []}
    if (definition.id === 'pylint' && scope) outcome = await runPylintSplit(planned, context, tool, scope)
    else if (definition.fileLocal) outcome = await runFileLocal(planned, context, tool, scope, oneProcess)
    else outcome = fromParts([await tool.invokeAndParse(planned.files, 0, oneProcess)], false)
  } catch (error) {
    if (isCicdError(error)) throw error
    outcome = {findings: [], cached: false, error: {message: `could not run ${definition.tool}: ${String(error)}`}}
  }

  const common = {...base, toolPath, toolVersion: identified?.version, durationMs: elapsed(), cached: outcome.cached}
  if (outcome.error) return {...common, status: 'error', findings: [], exitCode: outcome.error.exitCode, reason: outcome.error.message}
  const findings = [...outcome.findings].sort(compareFindings)
  const {score} = outcome
  const scoreGate = score === undefined ? undefined : {score, failUnder: context.pylint.failUnder, gate: context.pylint.scoreGate}
  const verdict = checkStatus(findings, planned.gate, scoreGate)
  return {...common, status: verdict.status, reason: verdict.reason, findings, score, exitCode: outcome.exitCode}
}

/**
 * The checks whose results the result cache keeps: the file-local tools and pylint. Not the dependency
 * audit (its answer changes with the vulnerability database) nor, so far, pytest.
 */
export function keptByResultCache(definition: Pick<CheckDefinition, 'id' | 'fileLocal'>): boolean {
  return definition.fileLocal || definition.id === 'pylint'
}

/** What a check's tool runs produced, before the gate. */
interface Outcome {
  findings: Finding[]
  score?: number
  exitCode?: number
  cached: boolean
  error?: {message: string; exitCode?: number}
}

interface ParsedRun {
  output: ToolOutput
  parsed: ParseResult
}

interface ToolInvoker {
  run(argv: string[], env?: Record<string, string>): Promise<ToolOutput>
  /** Runs the check on files (extra arguments after the repository's own) and parses the output. */
  invokeAndParse(files: string[], index: number, extra?: {args: string[]; env?: Record<string, string>}): Promise<ParsedRun>
}

function toolInvoker(planned: PlannedCheck, context: ExecuteContext, reservation: Reservation | undefined): ToolInvoker {
  const {definition} = planned
  const run = (argv: string[], env?: Record<string, string>) =>
    (reservation ?? context.pool).run(() => context.runner.run({argv, cwd: context.root, env: {...TOOL_ENV, ...env}, withoutCyclicGc: definition.withoutCyclicGc}))
  return {
    run,
    async invokeAndParse(files, index, extra) {
      const outputDir = await context.runner.outputDir(`${definition.id}-${index}`)
      const settings = extra ? {...planned.settings, args: [...planned.settings.args, ...extra.args]} : planned.settings
      let output = await run(definition.argv(files, settings, outputDir), extra?.env)
      if (definition.outputFiles) output = {...output, files: await readOutputFiles(outputDir, definition.outputFiles)}
      return {output, parsed: definition.parse(output, {root: context.root, requirements: planned.settings.requirements})}
    },
  }
}

/** Merges the parsed runs of one check; the first tool error wins. */
function fromParts(parts: ParsedRun[], cached: boolean): Outcome {
  const findings: Finding[] = []
  let score: number | undefined
  for (const {output, parsed} of parts) {
    if (parsed.kind === 'error') return {findings: [], cached: false, error: {message: parsed.message, exitCode: output.exitCode}}
    findings.push(...parsed.findings)
    if (parsed.score !== undefined) score = parsed.score
  }
  const exitCode = parts.length > 0 ? Math.max(...parts.map((p) => p.output.exitCode)) : undefined
  return {findings, score, exitCode, cached}
}

/** File-local tools: stored findings for unchanged files, the tool in parallel batches (one process each) on the rest. */
async function runFileLocal(planned: PlannedCheck, context: ExecuteContext, tool: ToolInvoker, scope: CheckScope | undefined, oneProcess: {args: string[]}): Promise<Outcome> {
  const lookup = scope ? await context.cache.fileLocal(context.cache.scope(scope), planned.files, context.contents) : undefined
  const toRun = lookup ? lookup.misses : planned.files
  const parts = await Promise.all(splitIntoBatches(toRun, context.parallelism).map((files, index) => tool.invokeAndParse(files, index, oneProcess)))
  const outcome = fromParts(parts, lookup !== undefined && toRun.length === 0)
  if (outcome.error || !lookup) return outcome
  if (toRun.length > 0) await lookup.save(outcome.findings)
  return {...outcome, findings: [...[...lookup.hits.values()].flat(), ...outcome.findings]}
}

/**
 * pylint through the cache's plan: per-file messages for changed files and their importers, and the
 * cross-module messages and statement count either from that same run (given every other file's record, a
 * small change) or from one run over every file beside it (the per-file run sharded over the cores); the
 * score recomputed from both. Equal to one pylint run over all the files (tested).
 */
async function runPylintSplit(planned: PlannedCheck, context: ExecuteContext, tool: ToolInvoker, scope: CheckScope): Promise<Outcome> {
  const plan = await context.cache.pylint({
    scope,
    checked: planned.files,
    pythonFiles: context.pythonFiles,
    listEnabledMessages: async () => (await tool.run(['pylint', ...planned.settings.args, '--list-msgs-enabled'])).stdout,
  })
  let index = 0
  const runOne = async (run: PylintRun | undefined): Promise<PylintRunResult | undefined> => {
    if (!run) return undefined
    const factsDir = run.facts ? await context.runner.outputDir(`pylint-facts-${index}`) : undefined
    const facts = factsDir && run.facts ? await prepareFactsRun(factsDir, run.facts) : undefined
    const pythonPath = [...run.pythonPath.map((dir) => path.join(context.root, dir)), ...(facts ? [facts.pythonPath] : [])]
    const env = {...(pythonPath.length > 0 ? {PYTHONPATH: pythonPathFor(pythonPath)} : {}), ...facts?.env}
    // A run that reports for every file is one process; per-file messages alone can be sharded over the cores.
    const shards = run === plan.perFile && !run.facts ? splitIntoBatches(run.files, context.parallelism) : [run.files]
    const parts = await Promise.all(shards.map((files) => tool.invokeAndParse(files, index++, {args: [...run.args, ...(facts?.args ?? [])], env})))
    return {
      outcome: fromParts(parts, false),
      statements: parts.length === 1 ? readStatements(parts[0].output.stdout) : undefined,
      facts: factsDir ? await readFactsReport(factsDir, context.root) : undefined,
    }
  }
  const [perFile, plannedCross, full] = await Promise.all([runOne(plan.perFile), runOne(plan.cross), runOne(plan.full)])
  // The per-file run could not report for every file (its plugin failed): the run over every file after all.
  const cross = plannedCross ?? (perFile && !perFile.outcome.error && !perFile.facts?.whole ? await runOne(plan.fallbackCross) : undefined)
  const failed = [perFile, cross, full].find((r) => r?.outcome.error)
  if (failed) return failed.outcome
  const asOutput = (r: PylintRunResult | undefined) => r && {findings: r.outcome.findings, score: r.outcome.score, statements: r.statements, facts: r.facts}
  const {findings, score} = await plan.complete({perFile: asOutput(perFile), cross: asOutput(cross), full: asOutput(full)})
  const exitCodes = [perFile, cross, full].map((r) => r?.outcome.exitCode).filter((code): code is number => code !== undefined)
  return {findings, score, cached: plan.mode === 'replay', exitCode: exitCodes.length > 0 ? Math.max(...exitCodes) : undefined}
}

interface PylintRunResult {
  outcome: Outcome
  statements?: number
  facts?: FactsReport
}

function pythonPathFor(dirs: string[]): string {
  return [...dirs, ...(process.env.PYTHONPATH ? [process.env.PYTHONPATH] : [])].join(path.delimiter)
}

/** Everything but the files that decides what the check reports: its key in the cache. */
function scopeOf(planned: PlannedCheck, context: ExecuteContext, tool: {identity: string; version: string}): CheckScope {
  return {check: planned.definition.id, tool, settings: planned.settings, configFiles: planned.definition.configFiles, contents: context.contents}
}

async function identifyTool(
  definition: CheckDefinition,
  context: ExecuteContext,
  run: (argv: string[]) => Promise<ToolOutput>,
): Promise<{identity: string; version?: string}> {
  const identity = await context.runner.identify(definition.tool)
  const known = context.versions.get(identity)
  if (known) return {identity, version: known}
  const version = definition.parseVersion(await run([definition.tool, ...definition.versionArgv]))
  if (version) context.versions.set(identity, version)
  return {identity, version}
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
