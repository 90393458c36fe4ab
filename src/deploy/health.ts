// Health checks: an instance is healthy after N consecutive good answers, and gets a bounded time to get there.
import type {Http} from '../adapters/http.js'
import type {Clock} from './context.js'
import type {ServiceSpec} from './spec.js'

export interface HealthResult {
  healthy: boolean
  attempts: number
  /** The last answer: "HTTP 500" or "ECONNREFUSED". */
  last: string
  durationMs: number
}

export async function waitHealthy(options: {http: Http; clock: Clock; url: string; check: ServiceSpec['healthCheck']; successes?: number; readyTimeoutMs?: number}): Promise<HealthResult> {
  const {http, clock, url, check} = options
  const needed = options.successes ?? check.successes
  const started = clock.now()
  const deadline = started + (options.readyTimeoutMs ?? check.readyTimeoutMs)
  let streak = 0
  let attempts = 0
  let last = 'no answer yet'
  for (;;) {
    attempts++
    const answer = await http.get(url, check.timeoutMs)
    last = answer.status === 0 ? (answer.error ?? 'no answer') : `HTTP ${answer.status}`
    streak = answer.status === check.expectedStatus ? streak + 1 : 0
    if (streak >= needed) return {healthy: true, attempts, last, durationMs: clock.now() - started}
    if (clock.now() + check.intervalMs > deadline) return {healthy: false, attempts, last, durationMs: clock.now() - started}
    await clock.sleep(check.intervalMs)
  }
}
