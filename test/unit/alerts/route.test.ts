import {describe, expect, it} from 'vitest'

import type {Http} from '../../../src/adapters/http.js'
import type {Mailer} from '../../../src/adapters/mailer.js'
import {createAlerter, memoryDedupStore, routesFor, type Alert} from '../../../src/alerts/route.js'
import {alertsSchema} from '../../../src/alerts/schema.js'
import {environmentsSchema, type NotificationRoute} from '../../../src/config/environments-schema.js'
import {createNotifier} from '../../../src/notify/notifier.js'

const routes: NotificationRoute[] = environmentsSchema.parse({
  production: {
    notifications: {
      routes: [
        {channel: 'slack', webhookUrl: 'http://127.0.0.1:1/slack'},
        {channel: 'email', host: '127.0.0.1', from: 'cicd@example.invalid', to: ['team@example.invalid']},
        {channel: 'pagerduty', routingKey: 'key', url: 'http://127.0.0.1:1/pd'},
      ],
    },
  },
}).production.notifications.routes

const config = alertsSchema.parse({leads: ['lead@example.invalid'], onCall: ['oncall-sms@example.invalid']})

describe('routesFor: the design levels', () => {
  const reached = (level: Alert['level']) =>
    routesFor(level, routes, config).map((route) => (route.channel === 'email' ? `email:${route.to.join('+')}` : route.channel))

  it('INFO goes to chat only; WARNING adds e-mail to the team', () => {
    expect(reached('INFO')).toEqual(['slack'])
    expect(reached('WARNING')).toEqual(['slack', 'email:team@example.invalid'])
  })

  it('ERROR adds the lead; CRITICAL adds PagerDuty and the on-call', () => {
    expect(reached('ERROR')).toEqual(['slack', 'email:team@example.invalid+lead@example.invalid'])
    expect(reached('CRITICAL')).toEqual(['slack', 'email:team@example.invalid+lead@example.invalid+oncall-sms@example.invalid', 'pagerduty'])
  })
})

describe('createAlerter', () => {
  function harness() {
    const posts: {url: string; body: unknown}[] = []
    const mails: string[][] = []
    const http: Http = {get: async () => ({status: 200, body: ''}), postJson: async (url, body) => (posts.push({url, body}), {status: 200, body: 'ok'})}
    const mailer: Mailer = {send: async (_server, message) => void mails.push(message.to)}
    let now = Date.parse('2026-03-10T10:00:00Z')
    const alerter = createAlerter({
      routes,
      config,
      dedup: memoryDedupStore(),
      notifier: (selected) => createNotifier({routes: selected, http, mailer, redact: (s) => s, hostEnv: {}, warn: () => {}}),
      now: () => now,
    })
    return {alerter, posts, mails, advance: (minutes: number) => (now += minutes * 60_000)}
  }
  const alert = (level: Alert['level'], extra: Partial<Alert> = {}): Alert => ({level, environment: 'production', title: 'error rate high', text: '7% errors', key: 'incident-42', ...extra})

  it('sends through the notifier, then holds back repeats of the same incident', async () => {
    const {alerter, posts, mails, advance} = harness()
    expect((await alerter.alert(alert('WARNING'))).sent).toBe(true)
    expect(posts.map((p) => p.url)).toEqual(['http://127.0.0.1:1/slack'])
    expect(mails).toEqual([['team@example.invalid']])
    advance(10)
    const repeat = await alerter.alert(alert('WARNING', {title: 'error rate still high'}))
    expect(repeat).toMatchObject({sent: false})
    expect(posts).toHaveLength(1)
    expect((await alerter.alert(alert('INFO', {key: 'incident-43'}))).sent).toBe(true)
    expect(posts).toHaveLength(2)
  })

  it('an escalation goes out at once, and a repeat after the quiet period goes out again', async () => {
    const {alerter, posts, advance} = harness()
    await alerter.alert(alert('ERROR'))
    advance(5)
    await alerter.alert(alert('CRITICAL'))
    expect(posts.map((p) => p.url)).toEqual(['http://127.0.0.1:1/slack', 'http://127.0.0.1:1/slack', 'http://127.0.0.1:1/pd'])
    advance(30)
    expect((await alerter.alert(alert('ERROR'))).sent).toBe(false)
    advance(31)
    expect((await alerter.alert(alert('CRITICAL'))).sent).toBe(true)
  })

  it('a resolution is always sent and ends the de-duplication of its key', async () => {
    const {alerter, posts} = harness()
    await alerter.alert(alert('CRITICAL'))
    expect((await alerter.alert(alert('INFO', {resolves: true, title: 'recovered'}))).sent).toBe(true)
    // PagerDuty gets the resolution whatever its level, so the page closes there too.
    expect(posts.at(-1)).toMatchObject({url: 'http://127.0.0.1:1/pd', body: {event_action: 'resolve', dedup_key: 'incident-42'}})
    expect((await alerter.alert(alert('WARNING'))).sent).toBe(true)
  })
})
