// Which `cicd check` runs are remembered for replay (run-memory.ts): a run its inputs alone decided
// (decidedByInputs), in which every check is one the result cache keeps (the same inputs give the same
// findings: the file-local tools and pylint; not the dependency audit, whose database changes, nor pytest)
// or was skipped, in which no check erred, and during which the working tree did not change (a file edited
// mid-run may have been read either way).
import {decidedByInputs, witnessTools, writeMemory} from '../cache/remembered-runs.js'
import {STATIC_CHECKS} from '../checks/registry.js'
import {keptByResultCache} from '../pipeline/execute-check.js'
import type {CheckResult, RunResult} from '../pipeline/result.js'
import {type Invocation, invocationKey, keyAtStart, replayableInvocation} from './invocation.js'
import {MEMORY_LIMITS, memoryFile, type RememberedRun} from './run-memory.js'

function replayable(check: CheckResult): boolean {
  if (check.status === 'error') return false
  if (check.cached || check.status === 'skipped') return true
  const definition = STATIC_CHECKS.find((candidate) => candidate.id === check.id)
  return definition !== undefined && keptByResultCache(definition)
}

/** True for a result the memory may keep (see the top of this file; the tree is compared when it ends). */
export function rememberable(result: RunResult): boolean {
  const checks = result.phases.flatMap((phase) => phase.checks)
  return decidedByInputs(result) && result.reportDir !== undefined && checks.length > 0 && checks.every(replayable)
}

/**
 * Keys the invocation from now on (alongside the run); `keep` remembers the finished run when it may be and
 * the working tree is still what it was when the run started. A memory that cannot be written costs the next
 * identical run its checks, never this run: `keep` only warns.
 */
export function rememberingRun(invocation: Invocation, inCi: boolean, warn: (line: string) => void): {keep(result: RunResult): Promise<void>} {
  if (!replayableInvocation(invocation, inCi)) return {keep: async () => undefined}
  const before = keyAtStart(invocation)
  before.catch(() => undefined)
  return {
    async keep(result) {
      try {
        if (!rememberable(result)) return
        const ran = result.phases.flatMap((phase) => phase.checks).flatMap((check) => (check.toolPath === undefined ? [] : [{tool: check.tool, toolPath: check.toolPath}]))
        const [atStart, atEnd, tools] = await Promise.all([before, invocationKey(invocation), witnessTools(ran)])
        if (atStart.key === atEnd.key) await writeMemory(memoryFile(atEnd), {key: atEnd.key, result, ...tools} satisfies RememberedRun, MEMORY_LIMITS)
      } catch (error) {
        warn(`warning: could not remember this run, so the same run will check again (${(error as Error).message})`)
      }
    },
  }
}
