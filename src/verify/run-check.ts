// Runs one check: each attempt under its own time limit (a probe that ignores the abort still cannot hold
// the run), up to `retries` more attempts after a failure, and every word of the result redacted. A probe
// that throws has failed: its message is the evidence.
import {mapStrings, type Redactor} from '../lifecycle/redact.js'
import type {CheckConfig} from './schema.js'
import type {CheckResult, ProbeContext, ProbeResult, ProbeTable} from './types.js'

export interface RunCheckOptions {
  probes: ProbeTable
  context: Omit<ProbeContext, 'signal'>
  redact: Redactor
  /** Ctrl-C or the end of a watch: the attempt in flight is aborted and no retry starts. */
  signal?: AbortSignal
  now?: () => number
}

class Timeout extends Error {}

type Attempt = ProbeResult & {timedOut: boolean; memory: Map<string, unknown>; startedFrom: Map<string, unknown>}

async function attempt(check: CheckConfig, options: RunCheckOptions): Promise<Attempt> {
  // Every attempt starts from what the previous run left (a watch's previous counters), so a retry measures
  // the same window as the first try, not the few seconds since it.
  const startedFrom = new Map(options.context.memory)
  const memory = new Map(startedFrom)
  const controller = new AbortController()
  const onOuterAbort = () => controller.abort(options.signal?.reason)
  options.signal?.addEventListener('abort', onOuterAbort, {once: true})
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new Timeout())
      reject(new Timeout())
    }, check.timeoutMs)
  })
  try {
    const probe = options.probes[check.kind] as (c: CheckConfig, ctx: ProbeContext) => Promise<ProbeResult>
    // Every `${VAR}` in the check's strings (URLs, DSNs, headers, commands, expected values) resolved.
    const resolved = mapStrings(check, options.context.resolve)
    const result = await Promise.race([probe(resolved, {...options.context, memory, signal: controller.signal}), deadline])
    return {...result, timedOut: false, memory, startedFrom}
  } catch (error) {
    if (error instanceof Timeout || controller.signal.reason instanceof Timeout) {
      return {ok: false, evidence: `no result within ${formatMs(check.timeoutMs)} (timeout)`, timedOut: true, memory, startedFrom}
    }
    if (options.signal?.aborted) return {ok: false, evidence: 'interrupted', timedOut: false, memory, startedFrom}
    return {ok: false, evidence: (error as Error).message || String(error), timedOut: false, memory, startedFrom}
  } finally {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', onOuterAbort)
  }
}

export async function runCheck(check: CheckConfig, options: RunCheckOptions): Promise<CheckResult> {
  const now = options.now ?? Date.now
  const started = now()
  let attempts = 0
  let last: Attempt
  for (;;) {
    attempts++
    last = await attempt(check, options)
    if (last.ok || attempts > check.retries || options.signal?.aborted) break
    await sleepUnlessAborted(check.retryDelayMs, options.signal)
  }
  // Only what this check wrote: the checks of a round run side by side on the same memory.
  for (const [key, value] of last.memory) if (last.startedFrom.get(key) !== value) options.context.memory.set(key, value)
  const redact = options.redact
  return {
    name: check.name,
    kind: check.kind,
    suite: check.suite,
    ok: last.ok,
    evidence: redact(last.evidence),
    details: (last.details ?? []).map(redact),
    measurements: last.measurements ?? {},
    attempts,
    durationMs: now() - started,
    timedOut: last.timedOut,
    thresholdCrossed: !last.ok && last.thresholdCrossed === true,
  }
}

/** Waits `ms`, or less when the signal aborts (Ctrl-C must not wait out a retry delay or a watch interval). */
export function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, {once: true})
  })
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
}
