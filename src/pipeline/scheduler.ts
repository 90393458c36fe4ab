// Runs planned checks as a task list: one task per check, all concurrent (the pool bounds the number of
// processes), each titled with its status and duration when it ends. Progress goes to stderr.
import {runTaskList, type OutputMode} from '../adapters/task-list.js'
import type {PhaseId} from '../checks/types.js'
import type {CheckResult, CheckStatus} from './result.js'
import type {PlannedCheck} from './plan.js'

export type {OutputMode}

export interface ScheduledPhase {
  id: PhaseId
  checks: PlannedCheck[]
}

const STATUS_WORD: Record<CheckStatus, string> = {
  passed: 'passed',
  failed: 'FAILED',
  warned: 'warned',
  error: 'ERROR',
  skipped: 'skipped',
}

export function describeResult(result: CheckResult): string {
  const seconds = (result.durationMs / 1000).toFixed(1)
  const count = result.findings.length
  const findings = count > 0 ? `, ${count} finding${count === 1 ? '' : 's'}` : ''
  const score = result.score === undefined ? '' : `, score ${result.score.toFixed(2)}`
  const cached = result.cached ? ', cached' : ''
  return `${result.id}: ${STATUS_WORD[result.status]} (${seconds}s${findings}${score}${cached})`
}

export async function runScheduled(
  phase: ScheduledPhase,
  execute: (check: PlannedCheck) => Promise<CheckResult>,
  mode: OutputMode,
): Promise<CheckResult[]> {
  return runTaskList(
    phase.checks.map((check) => ({
      title: `${check.definition.id}${check.files.length > 0 ? ` (${check.files.length} file${check.files.length === 1 ? '' : 's'})` : ''}`,
      run: () => execute(check),
      describe: describeResult,
      skipped: (result) => (result.status === 'skipped' ? `${check.definition.id}: skipped (${result.reason ?? ''})` : undefined),
    })),
    mode,
  )
}
