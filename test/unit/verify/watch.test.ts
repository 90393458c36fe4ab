// The watch's decisions on a simulated clock: which problems are WARNING and which CRITICAL, one alert per
// problem while it lasts, a resolution when it ends, a new alert for a new spike, and the end of the window.
// The alerts go through the real alerter and notifier to a recording HTTP stand-in.
import {describe, expect, it} from 'vitest'

import type {Http} from '../../../src/adapters/http.js'
import type {Mailer} from '../../../src/adapters/mailer.js'
import {createAlerter, memoryDedupStore} from '../../../src/alerts/route.js'
import {alertsSchema} from '../../../src/alerts/schema.js'
import {environmentsSchema} from '../../../src/config/environments-schema.js'
import {createNotifier} from '../../../src/notify/notifier.js'
import type {VerifyReport} from '../../../src/verify/run-suite.js'
import type {CheckResult} from '../../../src/verify/types.js'
import {breachesOf, watch} from '../../../src/verify/watch.js'

const env = environmentsSchema.parse({
  production: {notifications: {routes: [{channel: 'webhook', url: 'http://hooks.invalid/alerts'}]}},
}).production
const limits = env.verify.watch

function result(name: string, kind: CheckResult['kind'], ok: boolean, measurements: CheckResult['measurements'] = {}, evidence = 'fine', thresholdCrossed = false): CheckResult {
  return {name, kind, suite: 'integration', ok, evidence, details: [], measurements, attempts: 1, durationMs: 5, timedOut: false, thresholdCrossed}
}

function report(results: CheckResult[]): VerifyReport {
  return {environment: 'production', suites: ['integration'], notes: [], ok: results.every((r) => r.ok), durationMs: 5, checks: results}
}

const healthy = () => report([result('api', 'http', true, {latencyMs: 40}), result('errors', 'error-rate', true, {errorRate: 0}), result('containers', 'docker', true, {cpuPercent: 3, memoryPercent: 20})])

describe('breachesOf', () => {
  it("a crossed limit (the watch's or the check's own) is a WARNING; a check failing otherwise is CRITICAL", () => {
    const breaches = breachesOf(
      report([
        result('api', 'http', true, {latencyMs: 2500}),
        result('errors', 'error-rate', true, {errorRate: 0.02}),
        result('containers', 'docker', false, {cpuPercent: 3, memoryPercent: 93}, '1/1 running; memory 93% of 64 MiB, over the 80% threshold', true),
      ]),
      limits,
    )
    expect(breaches.map((b) => [b.key, b.level, b.text])).toEqual([
      ['verify:production:api', 'WARNING', 'response time 2.5 s above 2.0 s'],
      ['verify:production:errors', 'WARNING', 'error rate 2.0% above 1.0%'],
      ['verify:production:containers', 'WARNING', '1/1 running; memory 93% of 64 MiB, over the 80% threshold'],
    ])
    expect(breachesOf(healthy(), limits)).toEqual([])
  })

  it('a failure is CRITICAL even when the answer was also slow: the status decides, not the clock', () => {
    const down = breachesOf(report([result('api', 'http', false, {latencyMs: 3000}, 'HTTP 500 (expected 200) in 3000 ms')]), limits)
    expect(down).toEqual([{key: 'verify:production:api', level: 'CRITICAL', check: 'api', text: 'http check failed: HTTP 500 (expected 200) in 3000 ms'}])
  })
})

function simulation(rounds: VerifyReport[]) {
  let clock = 1_000_000
  const posted: {level: string; title: string; resolves: boolean}[] = []
  const http: Http = {
    get: async () => ({status: 200, body: ''}),
    postJson: async (_url, body) => {
      const b = body as {level: string; title: string; text: string}
      posted.push({level: b.level, title: b.title, resolves: b.title.endsWith('recovered')})
      return {status: 200, body: 'ok'}
    },
  }
  const mailer: Mailer = {send: async () => {}}
  const alerter = createAlerter({
    routes: env.notifications.routes,
    config: alertsSchema.parse({}),
    dedup: memoryDedupStore(),
    notifier: (routes) => createNotifier({routes, http, mailer, redact: (t) => t, hostEnv: {}, warn: () => {}}),
    now: () => clock,
  })
  let index = 0
  const ran: number[] = []
  const run = watch({
    environment: 'production',
    windowMs: 5 * 60_000,
    intervalMs: 60_000,
    limits,
    runRound: async () => {
      ran.push(clock)
      return rounds[Math.min(index++, rounds.length - 1)]
    },
    alerter,
    now: () => clock,
    sleep: async (ms) => void (clock += ms),
  })
  return {run, posted, ran}
}

describe('watch', () => {
  const spike = () => report([result('api', 'http', true, {latencyMs: 40}), result('errors', 'error-rate', false, {errorRate: 0.3}, 'error rate 30.0% (6 of 20 requests) above 5.0%', true), result('containers', 'docker', true, {cpuPercent: 3, memoryPercent: 20})])

  it('sends one WARNING for a spike lasting several rounds, and its resolution when it ends', async () => {
    const {run, posted, ran} = simulation([healthy(), spike(), spike(), spike(), healthy()])
    const summary = await run
    expect(posted.filter((p) => p.level === 'WARNING')).toHaveLength(1)
    expect(posted.filter((p) => p.resolves)).toHaveLength(1)
    expect(summary.rounds.map((r) => r.sent.length)).toEqual([0, 1, 0, 0, 1])
    // Five rounds fit a five-minute window at one a minute; the watch stops by itself after them.
    expect(ran.map((t) => t - ran[0])).toEqual([0, 60_000, 120_000, 180_000, 240_000])
    expect(summary.open).toEqual([])
  })

  it('a second spike after recovery alerts again; an outage is CRITICAL, and a slow answer turning into one escalates', async () => {
    const down = report([result('api', 'http', false, {}, 'no answer: ECONNREFUSED'), result('errors', 'error-rate', true, {errorRate: 0}), result('containers', 'docker', true, {cpuPercent: 1, memoryPercent: 10})])
    const slow = report([result('api', 'http', true, {latencyMs: 2600}), result('errors', 'error-rate', true, {errorRate: 0}), result('containers', 'docker', true, {cpuPercent: 1, memoryPercent: 10})])
    const {run, posted} = simulation([spike(), healthy(), spike(), slow, down])
    const summary = await run
    // The spike ends as api slows down (errors resolved); api's WARNING then escalates to CRITICAL.
    expect(posted.map((p) => p.level)).toEqual(['WARNING', 'INFO', 'WARNING', 'WARNING', 'INFO', 'CRITICAL'])
    expect(summary.open.map((b) => [b.check, b.level])).toEqual([['api', 'CRITICAL']])
  })

  it('stops early when interrupted, between rounds', async () => {
    const controller = new AbortController()
    let rounds = 0
    const summary = await watch({
      environment: 'production',
      windowMs: 3_600_000,
      intervalMs: 60_000,
      limits,
      runRound: async () => {
        if (++rounds === 2) controller.abort()
        return healthy()
      },
      alerter: {alert: async () => ({sent: false, reason: 'test'})},
      now: () => 0,
      sleep: async () => {},
      signal: controller.signal,
    })
    expect(summary.stoppedEarly).toBe(true)
    expect(summary.rounds).toHaveLength(1)
  })
})
