// `cicd releases`: the environment's release records, newest first; optionally its runs with their journal,
// its backups and its incidents.
import type {Backup, Incident, JournalEntry, Release, Run} from '../state/store.js'
import {openForCommand, type OperatorOptions} from '../deploy/select.js'

export interface ReleasesOptions extends OperatorOptions {
  limit: number
  runs: boolean
  backups: boolean
  incidents: boolean
}

export interface ReleasesReport {
  environment: string
  liveReleaseId: number | null
  releases: Omit<Release, 'spec'>[]
  runs?: (Run & {journal: JournalEntry[]})[]
  backups?: Omit<Backup, 'tables'>[]
  incidents?: Incident[]
}

export async function listReleases(options: ReleasesOptions): Promise<ReleasesReport> {
  const {env, ctx} = await openForCommand(options)
  const [releases, live] = await Promise.all([ctx.store.releases(options.limit), ctx.store.liveRelease()])
  const report: ReleasesReport = {environment: env.name, liveReleaseId: live?.id ?? null, releases: releases.map(({spec: _spec, ...rest}) => rest)}
  if (options.runs) report.runs = await Promise.all((await ctx.store.runs(options.limit)).map(async (run) => ({...run, journal: await ctx.store.journalOf(run.id)})))
  if (options.backups) report.backups = (await ctx.store.backups()).map(({tables: _tables, ...rest}) => rest)
  if (options.incidents) report.incidents = await ctx.store.incidents(options.limit)
  return report
}

const when = (date: Date | null) => (date ? new Date(date).toISOString().replace('T', ' ').slice(0, 19) : '-')

export function renderReleases(report: ReleasesReport): string[] {
  const lines = [`Releases of ${report.environment} (newest first; * = live):`]
  if (report.releases.length === 0) lines.push('  none yet')
  for (const r of report.releases) {
    lines.push(`${r.id === report.liveReleaseId ? '*' : ' '} #${String(r.id).padEnd(4)} ${r.version.padEnd(14)} ${r.status.padEnd(12)} ${when(r.createdAt)}  by ${r.actor}${r.backupId ? `  backup #${r.backupId}` : ''}${r.migrationHead ? `  migration ${r.migrationHead}` : ''}${r.note ? `  (${r.note})` : ''}`)
  }
  for (const run of report.runs ?? []) {
    lines.push(``, `Run #${run.id} ${run.operation} (${run.trigger}) ${run.status} by ${run.actor}, ${when(run.startedAt)}${run.resumed ? `, resumed ${run.resumed}x` : ''}`)
    for (const e of run.journal) lines.push(`    ${when(e.at)}  ${e.step.padEnd(18)} ${e.event}${Object.keys(e.detail).length ? `  ${JSON.stringify(e.detail)}` : ''}`)
  }
  if (report.backups) {
    lines.push('', 'Backups:')
    for (const b of report.backups) lines.push(`  #${b.id} ${b.kind.padEnd(10)} ${when(b.createdAt)} ${b.sizeBytes} bytes sha256 ${b.sha256.slice(0, 16)}… ${b.verified ? 'verified' : 'UNVERIFIED'}  ${b.file}`)
  }
  if (report.incidents) {
    lines.push('', 'Incidents:')
    for (const i of report.incidents) lines.push(`  #${i.id} ${i.severity} ${i.status.padEnd(9)} ${when(i.openedAt)} → ${when(i.closedAt)}  ${i.title}`)
  }
  return lines
}
