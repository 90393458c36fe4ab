// Remembering whole runs, for the hook's verdicts (hooks/verdicts.ts) and the replay of `cicd check`
// (replay/): which runs may be remembered, and what such a run depends on besides the repository's content
// (cicd's build, which validated configurations are also remembered by: config/validated-memory.ts) and the
// tools. They are compared by where PATH finds them and by their file's identity (path, size,
// modification time), as the tool-version memory does; the Python installations behind them by the
// modification times of their sys.path directories, which change when a package (a pylint plugin, a
// library the tests import) is installed, upgraded or removed; the tools' per-user configuration files by
// identity. Each memory is one JSON file per key, written aside and renamed so that a concurrent reader
// never sees half of one.
import {mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {execFile, findOnPath} from '../adapters/process.js'
import {pythonInterpreterOfFile} from '../runners/python-launch.js'
import type {RunResult} from '../pipeline/result.js'

export interface ToolIdentity {
  tool: string
  /** Where the run found it; `onPath` when PATH decided (it must decide the same way again). */
  path: string
  onPath: boolean
}

/** A file or directory whose state a result depends on: "size:mtime", or "absent". */
export interface Witness {
  path: string
  state: string
}

export interface ToolWitnesses {
  tools: ToolIdentity[]
  witnesses: Witness[]
}

const REMEMBERED_PHASES = new Set(['static', 'test'])

/**
 * A run decided by its inputs alone: the static and test phases (image builds and scans depend on the engine
 * and on Trivy's database), tools on this machine chosen by flag or configuration (`local`, not `auto`,
 * whose choice depends on whether an engine answers), and the result cache on.
 */
export function decidedByInputs(result: RunResult): boolean {
  return result.runner === 'local' && result.runnerChoice === 'local' && result.resultCache === 'on' && result.phases.every((phase) => REMEMBERED_PHASES.has(phase.id))
}

/** cicd's version, and the build of it (a rebuilt checkout of the same version checks differently). */
export async function cicdBuild(packageRoot: string): Promise<string> {
  const [text, manifest] = await Promise.all([readFile(path.join(packageRoot, 'package.json'), 'utf8'), stat(path.join(packageRoot, 'oclif.manifest.json')).catch(() => undefined)])
  return `${(JSON.parse(text) as {version: string}).version}@${manifest?.mtimeMs ?? 'unbuilt'}`
}

/** Settings in the environment that change what Python tools do. */
export const PYTHON_VARIABLES = ['PYTHONPATH', 'PYTHONHOME', 'PYTHONUSERBASE', 'PYLINTRC', 'VIRTUAL_ENV']
/** The tools' per-user configuration, outside the repository. */
const USER_CONFIG_FILES = ['.pylintrc', '.config/pylintrc', '.config/black', '.isort.cfg', '.config/flake8', '.config/bandit']

async function stateOf(file: string): Promise<string> {
  try {
    const {size, mtimeMs} = await stat(file)
    return `${size}:${mtimeMs}`
  } catch {
    return 'absent'
  }
}

/** The Python interpreter of a tool's script (its `#!` line), or undefined for anything else. */
async function interpreterOf(tool: string): Promise<string | undefined> {
  const python = await pythonInterpreterOfFile(tool)
  if (!python) return undefined
  return path.basename(python.program) === 'env' ? findOnPath(python.args[0]) : python.program
}

/**
 * An interpreter's sys.path directories (its standard library and every site-packages), and the user
 * site-packages even before it exists: `pip install --user` would create it.
 */
async function sysPath(interpreter: string): Promise<string[]> {
  const output = await execFile(interpreter, ['-c', 'import json, site, sys; print(json.dumps(sys.path + [site.getusersitepackages()]))'], {cwd: os.tmpdir(), timeoutMs: 10_000})
  return output.exitCode === 0 ? (JSON.parse(output.stdout) as string[]).filter((dir) => dir !== '' && path.isAbsolute(dir)) : []
}

/** The witnesses of the tools a run used (each check's tool and where it found it). */
export async function witnessTools(ran: readonly {tool: string; toolPath: string}[]): Promise<ToolWitnesses> {
  const tools = await Promise.all(ran.map(async ({tool, toolPath}) => ({tool, path: toolPath, onPath: (await findOnPath(tool)) === toolPath})))
  const real = await Promise.all(ran.map(({toolPath}) => realpath(toolPath).catch(() => toolPath)))
  const interpreters = [...new Set((await Promise.all(real.map(interpreterOf))).filter((p): p is string => p !== undefined))]
  const dirs = (await Promise.all(interpreters.map(sysPath))).flat()
  const home = os.homedir()
  const files = [...new Set([...real, ...interpreters, ...dirs, ...USER_CONFIG_FILES.map((file) => path.join(home, file))])]
  return {tools, witnesses: await Promise.all(files.map(async (file) => ({path: file, state: await stateOf(file)})))}
}

/** True when PATH finds every tool where it did and no witnessed file or directory changed. */
export async function stillWitnessed(recorded: ToolWitnesses): Promise<boolean> {
  if (!Array.isArray(recorded.tools) || !Array.isArray(recorded.witnesses)) return false
  const found = await Promise.all(recorded.tools.filter((tool) => tool.onPath).map(async (tool) => (await findOnPath(tool.tool)) === tool.path))
  if (!found.every(Boolean)) return false
  const states = await Promise.all(recorded.witnesses.map((witness) => stateOf(witness.path)))
  return states.every((state, index) => state === recorded.witnesses[index].state)
}

/**
 * Makes room for `file` in its directory: deletes the files not modified for `maxAgeDays` (a crashed
 * writer's leftovers too), then the oldest `.json` entries other than `file` beyond `maxEntries - 1` (a
 * writer's file in progress is not one of them).
 */
async function pruneFor(file: string, limits: MemoryLimits, now = Date.now()): Promise<void> {
  const dir = path.dirname(file)
  const names = await readdir(dir).catch(() => [])
  const entries = await Promise.all(
    names.map(async (name) => ({name, file: path.join(dir, name), mtimeMs: (await stat(path.join(dir, name)).catch(() => ({mtimeMs: now}))).mtimeMs})),
  )
  const expired = entries.filter((entry) => now - entry.mtimeMs > limits.maxAgeDays * 86_400_000)
  const others = entries.filter((entry) => !expired.includes(entry) && entry.name.endsWith('.json') && entry.file !== file).sort((a, b) => b.mtimeMs - a.mtimeMs)
  const excess = limits.maxEntries === undefined ? [] : others.slice(Math.max(0, limits.maxEntries - 1))
  await Promise.all([...expired, ...excess].map((entry) => rm(entry.file, {force: true})))
}

export interface MemoryLimits {
  maxAgeDays: number
  /** At most this many entries, the one being written included. */
  maxEntries?: number
}

/** A remembered JSON value, or undefined when there is none or it cannot be read. */
export async function readMemory(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'))
  } catch {
    return undefined
  }
}

/** Writes one memory (making room for it first), aside and renamed. */
export async function writeMemory(file: string, value: unknown, limits: MemoryLimits): Promise<void> {
  await mkdir(path.dirname(file), {recursive: true})
  await pruneFor(file, limits)
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, JSON.stringify(value))
  await rename(temporary, file)
}
