import {describe, expect, it} from 'vitest'

import type {Http} from '../../../src/adapters/http.js'
import type {Mailer} from '../../../src/adapters/mailer.js'
import type {NotificationRoute} from '../../../src/config/environments-schema.js'
import {createRedactor} from '../../../src/lifecycle/redact.js'
import {pagerDutyPayload, slackPayload} from '../../../src/notify/messages.js'
import {createNotifier} from '../../../src/notify/notifier.js'

function fakes(status = 200) {
  const posts: {url: string; body: unknown}[] = []
  const mails: {subject: string}[] = []
  const http: Http = {
    get: async () => ({status: 200, body: ''}),
    postJson: async (url, body) => {
      posts.push({url, body})
      return {status, body: status === 200 ? 'ok' : `failed for ${url}`}
    },
  }
  const mailer: Mailer = {send: async (_server, message) => void mails.push(message)}
  return {posts, mails, http, mailer}
}

const routes: NotificationRoute[] = [
  {channel: 'slack', webhookUrl: '${SLACK_URL}', minLevel: 'INFO'},
  {channel: 'pagerduty', routingKey: '${PD_KEY}', url: 'http://pd.local/v2/enqueue', minLevel: 'CRITICAL'},
  {channel: 'email', host: 'smtp.local', port: 25, secure: false, from: 'a@b.c', to: ['x@y.z'], minLevel: 'WARNING'},
]
const hostEnv = {SLACK_URL: 'https://hooks.slack.com/services/T/B/secret-token', PD_KEY: 'pd-key-123456'}

describe('notifier', () => {
  it('routes each level to the channels whose minimum it reaches, resolving ${VAR} secrets', async () => {
    const {posts, mails, http, mailer} = fakes()
    const notifier = createNotifier({routes, http, mailer, redact: createRedactor(Object.values(hostEnv)), hostEnv, warn: () => {}})
    await notifier.send({level: 'INFO', environment: 'staging', title: 'Deployed v2', text: ''})
    expect(posts.map((p) => p.url)).toEqual([hostEnv.SLACK_URL])
    expect(mails).toHaveLength(0)
    await notifier.send({level: 'CRITICAL', environment: 'staging', title: 'Rollback started', text: 'bad', key: 'k1'})
    expect(posts.map((p) => p.url)).toEqual([hostEnv.SLACK_URL, hostEnv.SLACK_URL, 'http://pd.local/v2/enqueue'])
    expect((posts[2].body as {routing_key: string}).routing_key).toBe('pd-key-123456')
    expect(mails.map((m) => m.subject)).toEqual(['[cicd CRITICAL] staging: Rollback started'])
  })

  it('sends a resolution to PagerDuty whatever its level, so the incident it opened closes', async () => {
    const {posts, http, mailer} = fakes()
    const notifier = createNotifier({routes, http, mailer, redact: createRedactor([]), hostEnv, warn: () => {}})
    await notifier.send({level: 'INFO', environment: 'staging', title: 'Rollback finished', text: '', key: 'k1', resolves: true})
    const pd = posts.find((p) => p.url.startsWith('http://pd.local'))
    expect((pd?.body as {event_action: string}).event_action).toBe('resolve')
  })

  it('reports a failed channel without throwing, with the secret URL masked', async () => {
    const {http, mailer} = fakes(500)
    const warnings: string[] = []
    const notifier = createNotifier({routes: routes.slice(0, 1), http, mailer, redact: createRedactor(Object.values(hostEnv)), hostEnv, warn: (line) => warnings.push(line)})
    const results = await notifier.send({level: 'ERROR', environment: 'production', title: 't', text: ''})
    expect(results).toEqual([{channel: 'slack', ok: false, error: 'HTTP 500 failed for ***'}])
    expect(warnings.join('\n')).not.toContain('secret-token')
  })
})

describe('payloads', () => {
  it('maps levels to PagerDuty severities and keeps the dedup key', () => {
    const payload = pagerDutyPayload({level: 'WARNING', environment: 'production', title: 'slow', text: '', key: 'abc'}, 'rk')
    expect(payload).toMatchObject({routing_key: 'rk', event_action: 'trigger', dedup_key: 'abc', payload: {severity: 'warning', source: 'cicd/production'}})
  })

  it('puts the level, environment and facts into the Slack text', () => {
    expect(slackPayload({level: 'CRITICAL', environment: 'staging', title: 'Rollback started', text: 'why', fields: {run: 7}}).text).toBe(
      ':rotating_light: *[CRITICAL] staging: Rollback started*\nwhy\nrun: 7',
    )
  })
})
