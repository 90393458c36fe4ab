// The memory of whole `cicd check` runs, one JSON file per invocation key under the git common dir's
// cicd/runs (which runs are remembered: remember.ts). A run is recalled only while the tools are as they
// were and its report folder is still there.
import {access} from 'node:fs/promises'
import path from 'node:path'

import {readMemory, stillWitnessed, type ToolWitnesses} from '../cache/remembered-runs.js'
import type {CheckResult, RunResult} from '../pipeline/result.js'
import type {InvocationKey} from './invocation.js'

export interface RememberedRun extends ToolWitnesses {
  key: string
  result: RunResult
}

export const MEMORY_LIMITS = {maxAgeDays: 30, maxEntries: 64}

export function memoryFile(key: InvocationKey): string {
  return path.join(key.memoryDir, `${key.key}.json`)
}

function isRememberedRun(value: unknown, key: string): value is RememberedRun {
  const run = value as RememberedRun
  return Boolean(run) && run.key === key && Boolean(run.result) && Array.isArray(run.result.phases) && typeof run.result.startedAt === 'string'
}

/** The remembered result of this invocation, when there is one and nothing outside the key changed since. */
export async function recallRun(key: InvocationKey): Promise<RunResult | undefined> {
  const run = await readMemory(memoryFile(key))
  if (!isRememberedRun(run, key.key)) return undefined
  const reportThere = await access(path.join(run.result.reportDir ?? '', 'index.html')).then(
    () => true,
    () => false,
  )
  return reportThere && (await stillWitnessed(run)) ? run.result : undefined
}

/**
 * The remembered run as this invocation's result: started now, its own duration, the report of the run it
 * repeats, and every check that ran answered from memory (cached), as the result cache would have.
 */
export function asReplay(remembered: RunResult, startedAt: string, durationMs: number): RunResult {
  const replayed = (check: CheckResult): CheckResult => ({...check, durationMs: 0, cached: check.status !== 'skipped'})
  return {
    ...remembered,
    startedAt,
    durationMs,
    replayOf: remembered.startedAt,
    phases: remembered.phases.map((phase) => ({...phase, durationMs: 0, checks: phase.checks.map(replayed)})),
  }
}
