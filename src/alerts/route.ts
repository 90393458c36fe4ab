// Alert routing: an alert of a level goes to the environment's notification routes whose channel that level
// reaches (alerts.routes), e-mail routes gaining the lead from ERROR and the on-call at CRITICAL; repeats
// of the same incident's alert are held back for a while unless they escalate or resolve it. Sending
// reuses the operator commands' notifier, so a failed channel is a warning, never a failure.
import type {NotificationLevel, NotificationRoute} from '../config/environments-schema.js'
import {atLeast, LEVELS, type Notification} from '../notify/messages.js'
import type {DeliveryResult, Notifier} from '../notify/notifier.js'
import type {AlertsConfig} from './schema.js'

export interface Alert extends Notification {
  /** The incident this alert is about: repeats with the same key are de-duplicated. */
  key: string
}

export interface SentAlert {
  level: NotificationLevel
  sentAt: number
}

/** What was last sent per key; the state database in production, a Map in tests. */
export interface DedupStore {
  last(key: string): Promise<SentAlert | undefined>
  remember(key: string, sent: SentAlert): Promise<void>
  forget(key: string): Promise<void>
}

/** A resolution also reaches PagerDuty, or the page it triggered would stay open there. */
export function routesFor(level: NotificationLevel, routes: NotificationRoute[], config: AlertsConfig, resolves = false): NotificationRoute[] {
  const reached = new Set<string>([...config.routes[level], ...(resolves ? ['pagerduty'] : [])])
  const extra = [...(atLeast(level, 'ERROR') ? config.leads : []), ...(level === 'CRITICAL' ? config.onCall : [])]
  return routes
    .filter((route) => reached.has(route.channel))
    .map((route) => (route.channel === 'email' && extra.length > 0 ? {...route, to: [...new Set([...route.to, ...extra])]} : route))
}

export type AlertOutcome = {sent: true; deliveries: DeliveryResult[]} | {sent: false; reason: string}

export interface Alerter {
  alert(alert: Alert): Promise<AlertOutcome>
}

export function createAlerter(options: {
  routes: NotificationRoute[]
  config: AlertsConfig
  dedup: DedupStore
  /** A notifier over the given routes (createNotifier with the environment's adapters). */
  notifier: (routes: NotificationRoute[]) => Notifier
  now: () => number
}): Alerter {
  return {
    async alert(alert) {
      const last = await options.dedup.last(alert.key)
      const quietUntil = last ? last.sentAt + options.config.dedupMinutes * 60_000 : 0
      const escalates = last ? LEVELS.indexOf(alert.level) > LEVELS.indexOf(last.level) : true
      if (last && !alert.resolves && !escalates && options.now() < quietUntil) {
        return {sent: false, reason: `a ${last.level} alert about ${alert.key} was sent at ${new Date(last.sentAt).toISOString()}; repeats stay quiet for ${options.config.dedupMinutes} min`}
      }
      const deliveries = await options.notifier(routesFor(alert.level, options.routes, options.config, alert.resolves)).send(alert)
      if (alert.resolves) await options.dedup.forget(alert.key)
      else await options.dedup.remember(alert.key, {level: alert.level, sentAt: options.now()})
      return {sent: true, deliveries}
    },
  }
}

export function memoryDedupStore(): DedupStore {
  const sent = new Map<string, SentAlert>()
  return {
    last: async (key) => sent.get(key),
    remember: async (key, value) => void sent.set(key, value),
    forget: async (key) => void sent.delete(key),
  }
}
