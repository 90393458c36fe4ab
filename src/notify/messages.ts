// What each channel receives for a notification: pure functions from one message to each service's
// payload (Slack incoming webhook, PagerDuty Events API v2, a generic JSON webhook, an e-mail).
import type {NotificationLevel} from '../config/environments-schema.js'

export interface Notification {
  level: NotificationLevel
  environment: string
  title: string
  text: string
  /** Short facts shown as a list: release, version, run, incident. */
  fields?: Record<string, string | number>
  /** Groups a trigger with its later resolution (PagerDuty dedup_key). */
  key?: string
  /** The incident is over: PagerDuty resolves instead of triggering. */
  resolves?: boolean
}

export const LEVELS: NotificationLevel[] = ['INFO', 'WARNING', 'ERROR', 'CRITICAL']

export function atLeast(level: NotificationLevel, minimum: NotificationLevel): boolean {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(minimum)
}

const ICON: Record<NotificationLevel, string> = {INFO: ':white_check_mark:', WARNING: ':warning:', ERROR: ':x:', CRITICAL: ':rotating_light:'}

function factLines(n: Notification): string[] {
  return Object.entries(n.fields ?? {}).map(([key, value]) => `${key}: ${value}`)
}

export function slackPayload(n: Notification): {text: string} {
  return {text: [`${ICON[n.level]} *[${n.level}] ${n.environment}: ${n.title}*`, n.text, ...factLines(n)].filter(Boolean).join('\n')}
}

export function pagerDutyPayload(n: Notification, routingKey: string): Record<string, unknown> {
  const severity = {INFO: 'info', WARNING: 'warning', ERROR: 'error', CRITICAL: 'critical'}[n.level]
  return {
    routing_key: routingKey,
    event_action: n.resolves ? 'resolve' : 'trigger',
    ...(n.key ? {dedup_key: n.key} : {}),
    payload: {summary: `[${n.level}] ${n.environment}: ${n.title}`.slice(0, 1024), severity, source: `cicd/${n.environment}`, custom_details: {text: n.text, ...n.fields}},
  }
}

export function webhookPayload(n: Notification): Record<string, unknown> {
  return {level: n.level, environment: n.environment, title: n.title, text: n.text, fields: n.fields ?? {}, key: n.key ?? null, at: new Date().toISOString()}
}

export function emailMessage(n: Notification): {subject: string; text: string} {
  return {subject: `[cicd ${n.level}] ${n.environment}: ${n.title}`, text: [n.text, '', ...factLines(n)].join('\n')}
}
