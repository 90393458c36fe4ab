// Sends a notification to every route of the environment whose minimum level it reaches. A failed channel
// is reported (redacted) and never hides the outcome of the deploy or rollback that sent it.
import type {NotificationRoute} from '../config/environments-schema.js'
import type {Http} from '../adapters/http.js'
import type {Mailer} from '../adapters/mailer.js'
import {resolveRefs, type Redactor} from '../lifecycle/redact.js'
import {atLeast, emailMessage, pagerDutyPayload, slackPayload, webhookPayload, type Notification} from './messages.js'

export interface DeliveryResult {
  channel: NotificationRoute['channel']
  ok: boolean
  error?: string
}

export interface Notifier {
  send(notification: Notification): Promise<DeliveryResult[]>
}

export interface NotifierOptions {
  routes: NotificationRoute[]
  http: Http
  mailer: Mailer
  redact: Redactor
  hostEnv: Record<string, string | undefined>
  /** Where a failed delivery is reported (already redacted). */
  warn: (line: string) => void
}

async function deliver(route: NotificationRoute, n: Notification, options: NotifierOptions): Promise<void> {
  const secret = (value: string) => resolveRefs(value, options.hostEnv)
  const expectOk = (answer: {status: number; error?: string; body: string}) => {
    if (answer.status < 200 || answer.status >= 300) throw new Error(answer.status === 0 ? `no answer (${answer.error})` : `HTTP ${answer.status} ${answer.body.slice(0, 200)}`)
  }
  switch (route.channel) {
    case 'slack':
      return expectOk(await options.http.postJson(secret(route.webhookUrl), slackPayload(n)))
    case 'pagerduty':
      return expectOk(await options.http.postJson(secret(route.url), pagerDutyPayload(n, secret(route.routingKey))))
    case 'webhook':
      return expectOk(
        await options.http.postJson(secret(route.url), webhookPayload(n), {headers: Object.fromEntries(Object.entries(route.headers).map(([k, v]) => [k, secret(v)]))}),
      )
    case 'email':
      return options.mailer.send(
        {host: route.host, port: route.port, secure: route.secure, user: route.user, password: route.password === undefined ? undefined : secret(route.password)},
        {from: route.from, to: route.to, ...emailMessage(n)},
      )
  }
}

export function createNotifier(options: NotifierOptions): Notifier {
  return {
    async send(n) {
      // A resolution reaches PagerDuty whatever its level, or the incident it triggered would stay open there.
      const routes = options.routes.filter((route) => atLeast(n.level, route.minLevel) || (n.resolves === true && route.channel === 'pagerduty'))
      return Promise.all(
        routes.map(async (route): Promise<DeliveryResult> => {
          try {
            await deliver(route, n, options)
            return {channel: route.channel, ok: true}
          } catch (error) {
            const message = options.redact((error as Error).message)
            options.warn(`warning: the ${n.level} notification to ${route.channel} failed: ${message}`)
            return {channel: route.channel, ok: false, error: message}
          }
        }),
      )
    },
  }
}
