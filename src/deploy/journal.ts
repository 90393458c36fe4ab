// Runs the named steps of a deploy or rollback, journaling each in the state database before and after it
// runs, so a crash leaves a record of exactly how far it got (and `--resume` knows where to continue).
import {CicdError, ExitCode} from '../errors.js'
import type {JournalEntry, Run} from '../state/store.js'
import type {DeployContext} from './context.js'
import type {HeldLock} from './lease.js'

export type StepDetail = Record<string, unknown>

export interface Steps {
  readonly run: Run
  /** Runs a step unless the journal says it already finished (on resume); returns its recorded detail. */
  step(name: string, action: () => Promise<StepDetail | void>, options?: {always?: boolean}): Promise<StepDetail>
  note(name: string, detail: StepDetail): Promise<void>
  /** What an earlier attempt of this run recorded for a step. */
  notes(name: string): StepDetail[]
}

export function openSteps(ctx: DeployContext, run: Run, held: HeldLock, history: JournalEntry[] = []): Steps {
  const finished = new Map(history.filter((e) => e.event === 'finished').map((e) => [e.step, e.detail]))
  const noted: {step: string; detail: StepDetail}[] = history.filter((e) => e.event === 'note').map((e) => ({step: e.step, detail: e.detail}))
  return {
    run,
    async step(name, action, options = {}) {
      const done = finished.get(name)
      if (done && !options.always) {
        ctx.log(`  ${name}: done before the interruption, skipped`)
        return done
      }
      if (held.lost()) {
        throw new CicdError(`The lock on ${ctx.env.name} was lost before step ${name}; stopped here`, {
          exitCode: ExitCode.deployFailed,
          nextSteps: [`See the journal: cicd releases --env ${ctx.env.name} --runs`, `Continue with --resume once nobody else holds the lock`],
        })
      }
      ctx.log(`→ ${name}`)
      await ctx.store.journal(run.id, name, 'started')
      try {
        const detail = (await action()) ?? {}
        await ctx.store.journal(run.id, name, 'finished', detail)
        finished.set(name, detail)
        return detail
      } catch (error) {
        await ctx.store.journal(run.id, name, 'failed', {error: ctx.redact((error as Error).message)}).catch(() => {})
        throw error
      }
    },
    async note(name, detail) {
      await ctx.store.journal(run.id, name, 'note', detail)
      noted.push({step: name, detail})
    },
    notes(name) {
      return noted.filter((n) => n.step === name).map((n) => n.detail)
    },
  }
}

/** Seconds spent in each step, from the journal (so a resumed run counts the time before the crash too). */
export function stepTimings(entries: JournalEntry[]): Record<string, number> {
  const open = new Map<string, number>()
  const out: Record<string, number> = {}
  for (const entry of entries) {
    const at = new Date(entry.at).getTime()
    if (entry.event === 'started') open.set(entry.step, at)
    if (entry.event === 'finished' || entry.event === 'failed') {
      const start = open.get(entry.step)
      if (start !== undefined) out[entry.step] = (out[entry.step] ?? 0) + (at - start) / 1000
      open.delete(entry.step)
    }
  }
  return out
}

export function formatTimings(timings: Record<string, number>): string[] {
  const total = Object.values(timings).reduce((a, b) => a + b, 0)
  return [...Object.entries(timings).map(([step, s]) => `  ${step.padEnd(20)} ${s.toFixed(1).padStart(7)} s`), `  ${'total'.padEnd(20)} ${total.toFixed(1).padStart(7)} s`]
}
