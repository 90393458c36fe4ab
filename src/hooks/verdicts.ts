// The pre-push hook's memory of content it already passed. A push of a tree that passed before, to the same
// destination, with the same files in scope, the same skips, the same build of cicd, the same Python
// settings in the environment and the same tools, has the same verdict: the hook says so and lets it
// through without starting a check. The tree id covers every committed file (the code, its configuration
// and cicd's). The tools are compared by where PATH finds them and by their file's identity (path, size,
// modification time), as the tool-version memory does; the Python installations behind them by the
// modification times of their sys.path directories, which change when a package (a pylint plugin, a library
// the tests import) is installed, upgraded or removed; the tools' per-user configuration files by identity.
//
// Only runs whose verdict depends on nothing else are remembered: the static and test phases (image builds
// and scans depend on the engine and on Trivy's database), tools on this machine chosen by configuration
// (`runner: local`, not `auto`, whose choice depends on whether an engine answers), and the result cache on.
import {createHash} from 'node:crypto'
import {mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {execFile, findOnPath} from '../adapters/process.js'
import type {RunResult} from '../pipeline/result.js'

export interface VerdictKey {
  /** The pushed commit's tree. */
  tree: string
  /** The remote ref: the branch policy that applied is the destination's. */
  destination: string
  /** The files file-local checks were limited to; undefined when the whole tree was checked. */
  files?: string[]
  skip: string[]
  /** cicd's version and build (cicdBuild). */
  cicdVersion: string
}

interface ToolIdentity {
  tool: string
  /** Where the run found it; `onPath` when PATH decided (it must decide the same way again). */
  path: string
  onPath: boolean
}

/** A file or directory whose state the verdict depends on: "size:mtime", or "absent". */
interface Witness {
  path: string
  state: string
}

interface Verdict {
  key: VerdictKey
  passedAt: string
  tools: ToolIdentity[]
  witnesses: Witness[]
}

export interface VerdictStore {
  /** When this key passed, if it did and nothing it depended on changed since. */
  passedAt(key: VerdictKey): Promise<string | undefined>
  /** Remembers a passing run when nothing but the key and its witnesses decided it; says whether it did. */
  remember(key: VerdictKey, result: RunResult): Promise<boolean>
}

const REMEMBERED_PHASES = new Set(['static', 'test'])
/** Settings in the environment that change what Python tools do. */
const PYTHON_VARIABLES = ['PYTHONPATH', 'PYTHONHOME', 'PYTHONUSERBASE', 'PYLINTRC', 'VIRTUAL_ENV']
/** The tools' per-user configuration, outside the repository. */
const USER_CONFIG_FILES = ['.pylintrc', '.config/pylintrc', '.config/black', '.isort.cfg', '.config/flake8', '.config/bandit']
const MAX_AGE_DAYS = 30

/** cicd's version, and the build of it (a rebuilt checkout of the same version checks differently). */
export async function cicdBuild(packageRoot: string): Promise<string> {
  const [text, manifest] = await Promise.all([readFile(path.join(packageRoot, 'package.json'), 'utf8'), stat(path.join(packageRoot, 'oclif.manifest.json')).catch(() => undefined)])
  return `${(JSON.parse(text) as {version: string}).version}@${manifest?.mtimeMs ?? 'unbuilt'}`
}

function fileOf(dir: string, key: VerdictKey): string {
  const environment = Object.fromEntries(PYTHON_VARIABLES.map((name) => [name, process.env[name] ?? null]))
  const canonical = JSON.stringify({...key, files: key.files ? [...key.files].sort() : null, skip: [...key.skip].sort(), environment})
  return path.join(dir, `${createHash('sha256').update(canonical).digest('hex')}.json`)
}

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
  const head = (await readFile(tool, 'utf8').catch(() => '')).slice(0, 200).split('\n')[0]
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(head)
  if (!shebang) return undefined
  const interpreter = path.basename(shebang[1]) === 'env' && shebang[2] ? await findOnPath(shebang[2]) : shebang[1]
  return interpreter && path.basename(interpreter).startsWith('python') ? interpreter : undefined
}

/**
 * An interpreter's sys.path directories (its standard library and every site-packages), and the user
 * site-packages even before it exists: `pip install --user` would create it.
 */
async function sysPath(interpreter: string): Promise<string[]> {
  const output = await execFile(interpreter, ['-c', 'import json, site, sys; print(json.dumps(sys.path + [site.getusersitepackages()]))'], {cwd: os.tmpdir(), timeoutMs: 10_000})
  return output.exitCode === 0 ? (JSON.parse(output.stdout) as string[]).filter((dir) => dir !== '' && path.isAbsolute(dir)) : []
}

async function witnessesOf(toolPaths: string[]): Promise<Witness[]> {
  const real = await Promise.all(toolPaths.map((tool) => realpath(tool).catch(() => tool)))
  const interpreters = [...new Set((await Promise.all(real.map(interpreterOf))).filter((p): p is string => p !== undefined))]
  const dirs = (await Promise.all(interpreters.map(sysPath))).flat()
  const home = os.homedir()
  const files = [...new Set([...real, ...interpreters, ...dirs, ...USER_CONFIG_FILES.map((file) => path.join(home, file))])]
  return Promise.all(files.map(async (file) => ({path: file, state: await stateOf(file)})))
}

async function toolsUnchanged(tools: ToolIdentity[]): Promise<boolean> {
  const found = await Promise.all(tools.filter((tool) => tool.onPath).map(async (tool) => (await findOnPath(tool.tool)) === tool.path))
  return found.every(Boolean)
}

function isVerdict(value: unknown): value is Verdict {
  const verdict = value as Verdict
  return Boolean(verdict) && typeof verdict.passedAt === 'string' && Array.isArray(verdict.tools) && Array.isArray(verdict.witnesses)
}

/** Verdicts older than a month are deleted when a new one is written: a tree that old is not pushed again. */
async function prune(dir: string, now: number): Promise<void> {
  for (const name of await readdir(dir).catch(() => [])) {
    const file = path.join(dir, name)
    const {mtimeMs} = await stat(file).catch(() => ({mtimeMs: now}))
    if (now - mtimeMs > MAX_AGE_DAYS * 86_400_000) await rm(file, {force: true})
  }
}

/** Verdicts as one small JSON file per key under `dir` (the git common dir's cicd/verdicts). */
export function fileVerdictStore(dir: string): VerdictStore {
  return {
    async passedAt(key) {
      let verdict: unknown
      try {
        verdict = JSON.parse(await readFile(fileOf(dir, key), 'utf8'))
      } catch {
        return undefined
      }
      if (!isVerdict(verdict) || !(await toolsUnchanged(verdict.tools))) return undefined
      const states = await Promise.all(verdict.witnesses.map((witness) => stateOf(witness.path)))
      return states.every((state, index) => state === verdict.witnesses[index].state) ? verdict.passedAt : undefined
    },
    async remember(key, result) {
      const decidedByKeyAlone =
        result.ok &&
        result.runner === 'local' &&
        result.runnerChoice === 'local' &&
        result.resultCache === 'on' &&
        result.phases.every((phase) => REMEMBERED_PHASES.has(phase.id))
      if (!decidedByKeyAlone) return false
      const ran = result.phases.flatMap((phase) => phase.checks).filter((check) => check.toolPath !== undefined)
      const tools = await Promise.all(ran.map(async (check) => ({tool: check.tool, path: check.toolPath!, onPath: (await findOnPath(check.tool)) === check.toolPath})))
      const verdict: Verdict = {key, passedAt: new Date().toISOString(), tools, witnesses: await witnessesOf(ran.map((check) => check.toolPath!))}
      const file = fileOf(dir, key)
      await mkdir(dir, {recursive: true})
      await prune(dir, Date.now())
      // Written aside and renamed, so a concurrent push never reads half a verdict.
      const temporary = `${file}.${process.pid}.tmp`
      await writeFile(temporary, JSON.stringify(verdict))
      await rename(temporary, file)
      return true
    },
  }
}
