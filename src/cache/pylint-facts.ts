// What each file contributes to pylint's cross-module messages (duplicate-code, cyclic-import) and to its
// score, recorded by cicd's pylint plugin (assets/pylint/cicd_pylint_facts.py) during a run and kept per
// file under the same key as the file's own messages. With every other file's record at hand, a run over the
// files a change touches reports those messages for the whole repository itself (the plugin hands pylint's
// checkers the whole import graph and the files that share a duplicate-code window), so a one-file change
// no longer costs a pass over every module.
import {copyFile, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import type {Finding} from '../checks/types.js'
import {toRepoPath} from '../checks/paths.js'
import {isCrossModule} from './pylint-split.js'

const PLUGIN_MODULE = 'cicd_pylint_facts'
const PLUGIN_SOURCE = fileURLToPath(new URL(`../../assets/pylint/${PLUGIN_MODULE}.py`, import.meta.url))
/** The plugin's message that makes pylint run it (never emitted): pylint skips a checker with none enabled. */
const PLUGIN_MESSAGE = 'cicd-facts'
/** The plugin's report format; a record of another format is not used. */
const FORMAT = 1

/** One module as the plugin recorded it (field names as the plugin writes them). */
export interface ModuleFacts {
  name: string
  statements: number
  encoding: string
  /** The Python version, string hash algorithm and seed the window hashes were made with. */
  hashing: string
  /** Hashes of its duplicate-code windows; absent when duplicate-code is off. */
  windows?: number[]
  /** Lines where duplicate-code is disabled by a pragma. */
  unlisted?: number[]
  /** The name duplicate-code gives the module ("pkg.__init__" for the package "pkg"). */
  lineset?: string
  /** Its import-graph edges in pylint's order, and those cyclic-import ignores; absent when cyclic-import is off. */
  imports?: string[]
  excluded?: string[]
}

/** What a run asks of the plugin: `whole` when it is to report the cross-module messages for every file. */
export interface FactsRequest {
  whole?: {
    /** Every checked file, in the order of a run over all of them (pylint names cycles in that order). */
    order: string[]
    /** The records of the files the run does not lint. */
    modules: Record<string, ModuleFacts>
  }
}

export interface FactsReport {
  /** By repository path: the modules the run walked. */
  modules: Map<string, ModuleFacts>
  /** Set when the run reported the cross-module messages for every file: the statements of all of them. */
  whole?: {statements: number}
}

/**
 * Puts the plugin and the run's input in `dir` (a runner's output directory, seen at the same path by the
 * tool) and returns what the run adds: pylint arguments, a PYTHONPATH entry, the environment.
 */
export async function prepareFactsRun(dir: string, request: FactsRequest): Promise<{args: string[]; pythonPath: string; env: Record<string, string>}> {
  await copyFile(PLUGIN_SOURCE, path.join(dir, `${PLUGIN_MODULE}.py`))
  if (request.whole) await writeFile(path.join(dir, 'whole.json'), JSON.stringify(request.whole))
  return {args: [`--load-plugins=${PLUGIN_MODULE}`, `--enable=${PLUGIN_MESSAGE}`], pythonPath: dir, env: {CICD_PYLINT_FACTS: dir}}
}

/** The plugin's report after the run; undefined when it wrote none, failed, or recorded something unreadable. */
export async function readFactsReport(dir: string, root: string): Promise<FactsReport | undefined> {
  let report: unknown
  try {
    report = JSON.parse(await readFile(path.join(dir, 'facts.json'), 'utf8'))
  } catch {
    return undefined
  }
  if (!report || typeof report !== 'object') return undefined
  const {format, failure, modules, whole} = report as {format?: unknown; failure?: unknown; modules?: unknown; whole?: unknown}
  if (format !== FORMAT || failure !== null || !modules || typeof modules !== 'object') return undefined
  const byFile = new Map<string, ModuleFacts>()
  for (const [file, facts] of Object.entries(modules)) {
    if (!isModuleFacts(facts)) return undefined
    byFile.set(toRepoPath(file, root), facts)
  }
  const statements = (whole as {statements?: unknown} | null)?.statements
  return typeof statements === 'number' ? {modules: byFile, whole: {statements}} : {modules: byFile}
}

const isNumbers = (value: unknown) => value === undefined || (Array.isArray(value) && value.every((item) => typeof item === 'number'))
const isStrings = (value: unknown) => value === undefined || (Array.isArray(value) && value.every((item) => typeof item === 'string'))

export function isModuleFacts(value: unknown): value is ModuleFacts {
  if (!value || typeof value !== 'object') return false
  const facts = value as ModuleFacts
  return (
    typeof facts.name === 'string' &&
    typeof facts.statements === 'number' &&
    typeof facts.encoding === 'string' &&
    typeof facts.hashing === 'string' &&
    isNumbers(facts.windows) &&
    isNumbers(facts.unlisted) &&
    (facts.lineset === undefined || typeof facts.lineset === 'string') &&
    isStrings(facts.imports) &&
    isStrings(facts.excluded)
  )
}

/**
 * The cross-module messages of a run that reported them for every file, where a run over every file puts
 * them: pylint files a message of no node under the last module it checked.
 */
export function wholeRepositoryMessages(findings: readonly Finding[], order: readonly string[]): Finding[] {
  const last = order.at(-1)
  return findings.filter(isCrossModule).map((finding) => (last === undefined ? finding : {...finding, file: last}))
}
