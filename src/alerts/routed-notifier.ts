// The operator commands' notifications take the same routes as alerts: the level picks the channels
// (alerts.routes), and e-mail gains the lead from ERROR and the on-call at CRITICAL. They are not
// de-duplicated: each is a distinct event of a deploy or rollback (started, escalated, resolved), and an
// escalation must never be held back as a repeat of the alert that opened the incident.
import type {NotificationRoute} from '../config/environments-schema.js'
import type {Notifier} from '../notify/notifier.js'
import {routesFor} from './route.js'
import type {AlertsConfig} from './schema.js'

export function routedNotifier(routes: NotificationRoute[], config: AlertsConfig, notifierFor: (routes: NotificationRoute[]) => Notifier): Notifier {
  return {send: (n) => notifierFor(routesFor(n.level, routes, config, n.resolves)).send(n)}
}
