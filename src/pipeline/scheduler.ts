// Runs planned checks as a listr2 task tree: one task per check, all concurrent (the pool bounds the number
// of processes), each titled with its status and duration when it ends. Progress goes to stderr.
import type {PhaseId} from '../checks/types.js'
import type {CheckResult, CheckStatus} from './result.js'
import type {PlannedCheck} from './plan.js'

export type OutputMode = 'tty' | 'plain' | 'silent'

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
  const {Listr, ListrLogger, ProcessOutput} = await import('listr2')
  const results = new Map<string, CheckResult>()
  // A check's own failure is a result; an error escaping execute() (the engine went away) ends the run.
  let fatal: unknown
  const tasks = new Listr(
    phase.checks.map((check) => ({
      title: `${check.definition.id}${check.files.length > 0 ? ` (${check.files.length} file${check.files.length === 1 ? '' : 's'})` : ''}`,
      task: async (_: unknown, task: {title: string; skip(message?: string): void}) => {
        let result: CheckResult
        try {
          result = await execute(check)
        } catch (error) {
          fatal ??= error
          throw error
        }
        results.set(check.definition.id, result)
        task.title = describeResult(result)
        if (result.status === 'skipped') task.skip(`${check.definition.id}: skipped (${result.reason ?? ''})`)
      },
    })),
    {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: mode === 'tty' ? 'default' : mode === 'plain' ? 'simple' : 'silent',
      rendererOptions: {logger: new ListrLogger({processOutput: new ProcessOutput(process.stderr, process.stderr)})},
      fallbackRendererOptions: {logger: new ListrLogger({processOutput: new ProcessOutput(process.stderr, process.stderr)})},
      fallbackRendererCondition: mode !== 'tty',
      silentRendererCondition: mode === 'silent',
    },
  )
  await tasks.run()
  if (fatal !== undefined) throw fatal
  return phase.checks.map((check) => results.get(check.definition.id)!)
}
