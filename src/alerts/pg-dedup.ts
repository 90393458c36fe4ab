// The de-duplication memory in the state database (cicd_metrics.alerts_sent), shared by every machine that
// alerts about an environment, so CI and an operator's laptop do not both page for one incident.
import type {Pg} from '../adapters/postgres.js'
import type {NotificationLevel} from '../config/environments-schema.js'
import type {DedupStore} from './route.js'

export function pgDedupStore(db: Pg): DedupStore {
  return {
    async last(key) {
      const [row] = await db.query<{level: string; sent_at: Date}>('select level, sent_at from cicd_metrics.alerts_sent where key = $1', [key])
      return row ? {level: row.level as NotificationLevel, sentAt: new Date(row.sent_at).getTime()} : undefined
    },
    async remember(key, sent) {
      await db.query(
        `insert into cicd_metrics.alerts_sent (key, level, sent_at) values ($1, $2, $3)
         on conflict (key) do update set level = excluded.level, sent_at = excluded.sent_at`,
        [key, sent.level, new Date(sent.sentAt)],
      )
    },
    async forget(key) {
      await db.query('delete from cicd_metrics.alerts_sent where key = $1', [key])
    },
  }
}
