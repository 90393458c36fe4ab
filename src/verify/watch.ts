// The bounded watch after a deploy (the design's 30-minute monitoring window): the integration suite again
// at every interval until the window closes. A crossed threshold (a slow answer, an error rate above the
// watch's limit, containers over their CPU or memory share) raises a WARNING; a check that fails for any
// other reason (the service is down) a CRITICAL. Each problem alerts once while it lasts: the alerter
// de-duplicates by key (escalating from WARNING to CRITICAL), and its end is sent as a resolution, so a
// later spike alerts again.
import type {Alerter} from '../alerts/route.js'
import type {NotificationLevel} from '../config/environments-schema.js'
import {formatMs} from './run-check.js'
import type {VerifyReport} from './run-suite.js'
import type {VerifySettings} from './schema.js'
import type {CheckResult} from './types.js'

export interface Breach {
  key: string
  level: Extract<NotificationLevel, 'WARNING' | 'CRITICAL'>
  check: string
  text: string
}

type WatchThresholds = VerifySettings['watch']

/** The watch's own limits, tighter than a one-off verify's: any answer over 2 s, any error rate over 1 %. */
function watchLimitsCrossed(result: CheckResult, limits: WatchThresholds): string[] {
  const m = result.measurements
  const out: string[] = []
  if (m.latencyMs !== undefined && m.latencyMs > limits.latencyMs) out.push(`response time ${formatMs(m.latencyMs)} above ${formatMs(limits.latencyMs)}`)
  if (m.errorRate !== undefined && m.errorRate > limits.errorRate) out.push(`error rate ${(m.errorRate * 100).toFixed(1)}% above ${(limits.errorRate * 100).toFixed(1)}%`)
  return out
}

/**
 * What one round of the watch found wrong. A check that fails while its service does not answer properly is
 * CRITICAL; one that only crossed a limit (its own or the watch's) is a WARNING. One key per check, so a
 * WARNING that becomes an outage escalates, and the end of either is one resolution.
 */
export function breachesOf(report: VerifyReport, limits: WatchThresholds): Breach[] {
  return report.checks.flatMap((result): Breach[] => {
    const key = `verify:${report.environment}:${result.name}`
    if (!result.ok && !result.thresholdCrossed) return [{key, level: 'CRITICAL', check: result.name, text: `${result.kind} check failed: ${result.evidence}`}]
    const crossed = [...(result.thresholdCrossed ? [result.evidence] : []), ...watchLimitsCrossed(result, limits)]
    return crossed.length > 0 ? [{key, level: 'WARNING', check: result.name, text: [...new Set(crossed)].join('; ')}] : []
  })
}

export interface WatchRound {
  index: number
  startedAt: number
  report: VerifyReport
  breaches: Breach[]
  /** Alerts sent this round (new problems, escalations, resolutions); the rest were held back as repeats. */
  sent: {key: string; level: NotificationLevel; resolves: boolean}[]
}

export interface WatchSummary {
  rounds: WatchRound[]
  /** Problems still present in the last round. */
  open: Breach[]
  windowMs: number
  stoppedEarly: boolean
}

export interface WatchOptions {
  environment: string
  windowMs: number
  intervalMs: number
  limits: WatchThresholds
  runRound(signal: AbortSignal | undefined): Promise<VerifyReport>
  alerter: Alerter
  now(): number
  /** Resolves early when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  signal?: AbortSignal
  onRound?(round: WatchRound): void | Promise<void>
}

export async function watch(options: WatchOptions): Promise<WatchSummary> {
  const started = options.now()
  const deadline = started + options.windowMs
  const rounds: WatchRound[] = []
  let active = new Map<string, Breach>()
  for (let index = 1; ; index++) {
    const roundStart = options.now()
    const report = await options.runRound(options.signal)
    if (options.signal?.aborted) break
    const breaches = breachesOf(report, options.limits)
    const sent: WatchRound['sent'] = []
    for (const breach of breaches) {
      const outcome = await options.alerter.alert({
        key: breach.key,
        level: breach.level,
        environment: options.environment,
        title: `${breach.check}: ${breach.level === 'CRITICAL' ? 'failing' : 'threshold crossed'}`,
        text: breach.text,
        fields: {check: breach.check, round: index},
      })
      if (outcome.sent) sent.push({key: breach.key, level: breach.level, resolves: false})
    }
    const current = new Map(breaches.map((breach) => [breach.key, breach]))
    for (const [key, breach] of active) {
      if (current.has(key)) continue
      await options.alerter.alert({key, level: 'INFO', resolves: true, environment: options.environment, title: `${breach.check}: recovered`, text: `No longer: ${breach.text}`, fields: {check: breach.check, round: index}})
      sent.push({key, level: 'INFO', resolves: true})
    }
    active = current
    const round = {index, startedAt: roundStart, report, breaches, sent}
    rounds.push(round)
    await options.onRound?.(round)
    const next = roundStart + options.intervalMs
    if (next >= deadline) break
    await options.sleep(next - options.now(), options.signal)
    if (options.signal?.aborted) break
  }
  return {rounds, open: [...active.values()], windowMs: options.windowMs, stoppedEarly: Boolean(options.signal?.aborted)}
}
