// The pre-push hook's memory of content it already passed. A push of a tree that passed before, to the same
// destination, with the same files in scope, the same skips, the same cicd and the same tools, has the same
// verdict: the hook says so and lets it through without starting a check. The tree id covers every committed
// file (the code, its configuration and cicd's); the tools are compared by where PATH finds them and by their
// file's identity (path, size, modification time), as the tool-version memory does.
//
// Only runs whose verdict depends on nothing else are remembered: local tools, the static and test phases
// (image builds and scans depend on the engine and on Trivy's database), and the result cache enabled.
import {createHash} from 'node:crypto'
import {mkdir, readFile, realpath, rename, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {findOnPath} from '../adapters/process.js'
import type {RunResult} from '../pipeline/result.js'

export interface VerdictKey {
  /** The pushed commit's tree. */
  tree: string
  /** The remote ref: the branch policy that applied is the destination's. */
  destination: string
  /** The files file-local checks were limited to; undefined when the whole tree was checked. */
  files?: string[]
  skip: string[]
  cicdVersion: string
}

interface ToolIdentity {
  tool: string
  /** Where the run found it; `onPath` when PATH decided (it must decide the same way again). */
  path: string
  onPath: boolean
  real: string
  size: number
  mtimeMs: number
}

interface Verdict {
  key: VerdictKey
  passedAt: string
  tools: ToolIdentity[]
}

export interface VerdictStore {
  /** When this key passed, if it did and every tool is still the one that ran. */
  passedAt(key: VerdictKey): Promise<string | undefined>
  /** Remembers a passing run when nothing but the key and the tools decided it; says whether it did. */
  remember(key: VerdictKey, result: RunResult): Promise<boolean>
}

const REMEMBERED_PHASES = new Set(['static', 'test'])

function fileOf(dir: string, key: VerdictKey): string {
  const canonical = JSON.stringify({...key, files: key.files ? [...key.files].sort() : null, skip: [...key.skip].sort()})
  return path.join(dir, `${createHash('sha256').update(canonical).digest('hex')}.json`)
}

async function identify(tool: string, found: string): Promise<ToolIdentity> {
  const real = await realpath(found)
  const {size, mtimeMs} = await stat(real)
  return {tool, path: found, onPath: (await findOnPath(tool)) === found, real, size, mtimeMs}
}

async function unchanged(tool: ToolIdentity): Promise<boolean> {
  try {
    if (tool.onPath && (await findOnPath(tool.tool)) !== tool.path) return false
    const now = await identify(tool.tool, tool.path)
    return now.real === tool.real && now.size === tool.size && now.mtimeMs === tool.mtimeMs
  } catch {
    return false
  }
}

/** Verdicts as one small JSON file per key under `dir` (the git common dir's cicd/verdicts). */
export function fileVerdictStore(dir: string): VerdictStore {
  return {
    async passedAt(key) {
      let verdict: Verdict
      try {
        verdict = JSON.parse(await readFile(fileOf(dir, key), 'utf8')) as Verdict
      } catch {
        return undefined
      }
      const same = await Promise.all(verdict.tools.map(unchanged))
      return same.every(Boolean) ? verdict.passedAt : undefined
    },
    async remember(key, result) {
      const checks = result.phases.flatMap((phase) => phase.checks)
      const decidedByKeyAlone =
        result.ok && result.runner === 'local' && result.resultCache === 'on' && result.phases.every((phase) => REMEMBERED_PHASES.has(phase.id))
      if (!decidedByKeyAlone) return false
      const tools = await Promise.all(checks.filter((check) => check.toolPath).map((check) => identify(check.tool, check.toolPath!)))
      const verdict: Verdict = {key, passedAt: new Date().toISOString(), tools}
      const file = fileOf(dir, key)
      await mkdir(dir, {recursive: true})
      // Written aside and renamed, so a concurrent push never reads half a verdict.
      const temporary = `${file}.${process.pid}.tmp`
      await writeFile(temporary, JSON.stringify(verdict))
      await rename(temporary, file)
      return true
    },
  }
}
