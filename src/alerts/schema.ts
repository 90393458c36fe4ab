// The `alerts` configuration section: which notification channels each level reaches (the design's
// defaults: INFO to chat; WARNING to chat and e-mail; ERROR adds the team lead; CRITICAL adds SMS or
// PagerDuty), who the lead and the on-call are, and how long a repeated alert about the same incident stays
// quiet. The channels themselves are the environment's `notifications.routes`.
import {z} from 'zod'

const channels = z.array(z.enum(['slack', 'email', 'pagerduty', 'webhook']))

export const alertsSchema = z
  .strictObject({
    routes: z
      .strictObject({
        INFO: channels.default((): ('slack' | 'webhook')[] => ['slack', 'webhook']).describe('Normal operations: chat.'),
        WARNING: channels.default((): ('slack' | 'webhook' | 'email')[] => ['slack', 'webhook', 'email']).describe('Potential issues: chat and e-mail to the team.'),
        ERROR: channels.default((): ('slack' | 'webhook' | 'email')[] => ['slack', 'webhook', 'email']).describe('Service degradation: chat, e-mail to the team and the lead (alerts.leads).'),
        CRITICAL: channels
          .default((): ('slack' | 'webhook' | 'email' | 'pagerduty')[] => ['slack', 'webhook', 'email', 'pagerduty'])
          .describe('Service down: everything, PagerDuty included, and e-mail to the on-call (alerts.onCall, e.g. an SMS gateway address).'),
      })
      .prefault({})
      .describe('The channels each level reaches, among the environment\'s notification routes.'),
    leads: z.array(z.string().min(1)).default(() => []).describe('E-mail addresses added to e-mail routes for ERROR and CRITICAL alerts (the team lead).'),
    onCall: z.array(z.string().min(1)).default(() => []).describe('Addresses added to e-mail routes for CRITICAL alerts (the on-call engineer; an e-mail-to-SMS gateway works).'),
    dedupMinutes: z
      .number()
      .min(0)
      .default(60)
      .describe('A repeat of an alert about the same incident (same key) at the same or a lower level is not sent again within this many minutes.'),
  })
  .prefault({})
  .describe('Alert routing by level, and de-duplication of repeated alerts.')

export type AlertsConfig = z.output<typeof alertsSchema>
