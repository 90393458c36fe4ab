// The pre-push hook's memory of content it already passed. A push of a tree that passed before, to the same
// destination, with the same files in scope, the same skips, the same build of cicd, the same Python
// settings in the environment and the same tools (cache/remembered-runs.ts), has the same verdict: the hook
// says so and lets it through without starting a check. The tree id covers every committed file (the code,
// its configuration and cicd's).
//
// Only passing runs whose verdict depends on nothing else are remembered (decidedByInputs).
import {createHash} from 'node:crypto'
import path from 'node:path'

import {decidedByInputs, PYTHON_VARIABLES, readMemory, stillWitnessed, type ToolWitnesses, witnessTools, writeMemory} from '../cache/remembered-runs.js'
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

interface Verdict extends ToolWitnesses {
  key: VerdictKey
  passedAt: string
}

export interface VerdictStore {
  /** When this key passed, if it did and nothing it depended on changed since. */
  passedAt(key: VerdictKey): Promise<string | undefined>
  /** Remembers a passing run when nothing but the key and its witnesses decided it; says whether it did. */
  remember(key: VerdictKey, result: RunResult): Promise<boolean>
}

const MAX_AGE_DAYS = 30

function fileOf(dir: string, key: VerdictKey): string {
  const environment = Object.fromEntries(PYTHON_VARIABLES.map((name) => [name, process.env[name] ?? null]))
  const canonical = JSON.stringify({...key, files: key.files ? [...key.files].sort() : null, skip: [...key.skip].sort(), environment})
  return path.join(dir, `${createHash('sha256').update(canonical).digest('hex')}.json`)
}

function isVerdict(value: unknown): value is Verdict {
  const verdict = value as Verdict
  return Boolean(verdict) && typeof verdict.passedAt === 'string' && Array.isArray(verdict.tools) && Array.isArray(verdict.witnesses)
}

/** Verdicts as one small JSON file per key under `dir` (the git common dir's cicd/verdicts). */
export function fileVerdictStore(dir: string): VerdictStore {
  return {
    async passedAt(key) {
      const verdict = await readMemory(fileOf(dir, key))
      return isVerdict(verdict) && (await stillWitnessed(verdict)) ? verdict.passedAt : undefined
    },
    async remember(key, result) {
      if (!result.ok || !decidedByInputs(result)) return false
      const ran = result.phases.flatMap((phase) => phase.checks).flatMap((check) => (check.toolPath === undefined ? [] : [{tool: check.tool, toolPath: check.toolPath}]))
      const verdict: Verdict = {key, passedAt: new Date().toISOString(), ...(await witnessTools(ran))}
      await writeMemory(fileOf(dir, key), verdict, {maxAgeDays: MAX_AGE_DAYS})
      return true
    },
  }
}
