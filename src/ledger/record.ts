// The write side of the run ledger, called by `cicd check` after every run: in CI with a state database
// configured, into that database; otherwise (or when the database cannot be reached) into the local ledger
// under git's common dir. Recording never changes the check's outcome: every failure becomes a warning.
import type {EnvironmentsConfig} from '../config/environments-schema.js'
import type {RunResult} from '../pipeline/result.js'
import {entryFromRun, type RunContext} from './entry.js'
import {appendEntry, ledgerFile} from './file-ledger.js'

export interface RecordOptions {
  /** Where a warning goes (default: stderr). */
  warn?: (line: string) => void
  hostEnv?: Record<string, string | undefined>
}

export type RecordedWhere = {kind: 'database'; environment: string} | {kind: 'file'; file: string} | {kind: 'none'}

export async function recordRun(result: RunResult, context: RunContext, options: RecordOptions = {}): Promise<RecordedWhere> {
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`))
  const entry = entryFromRun(result, context)
  if (context.where === 'ci') {
    try {
      const recorded = await recordInDatabase(context.root, entry, options.hostEnv ?? process.env)
      if (recorded) return recorded
    } catch (error) {
      warn(`warning: could not record this run in the state database (${(error as Error).message}); it goes to the local ledger instead`)
    }
  }
  try {
    const commonDir = context.commonDir ?? (await (await import('../adapters/git.js')).openGitRepository(context.root).commonDir())
    const file = ledgerFile(commonDir)
    await appendEntry(file, entry)
    return {kind: 'file', file}
  } catch (error) {
    warn(`warning: could not record this run in the run ledger (${(error as Error).message}); \`cicd metrics\` will not count it`)
    return {kind: 'none'}
  }
}

/** recordRun for a run of the project at result.root, with the branch and commit read from git there. */
export async function recordCheckRun(result: RunResult, where: RunContext['where'], options: RecordOptions = {}): Promise<RecordedWhere> {
  const {openGitRepository} = await import('../adapters/git.js')
  const git = openGitRepository(result.root)
  const [branch, commit] = await Promise.all([git.currentBranch().catch(() => undefined), git.head().catch(() => undefined)])
  return recordRun(result, {root: result.root, branch, commit, where}, options)
}

async function recordInDatabase(root: string, entry: ReturnType<typeof entryFromRun>, hostEnv: Record<string, string | undefined>): Promise<RecordedWhere | undefined> {
  const [{loadConfig}, {metricsSchema}, {ledgerEnvironment, openMetricsDatabase}, {insertRun}] = await Promise.all([
    import('../config/load.js'),
    import('../metrics/schema.js'),
    import('./state-database.js'),
    import('./db-ledger.js'),
  ])
  const {config} = await loadConfig({root})
  const environments = (config as {environments?: EnvironmentsConfig}).environments ?? {}
  const metrics = metricsSchema.parse((config as {metrics?: unknown}).metrics)
  const environment = ledgerEnvironment(environments, metrics.ledger.environment)
  if (environment === undefined) return undefined
  const db = await openMetricsDatabase({environments, environment, hostEnv})
  if (!db) return undefined
  try {
    await insertRun(db, entry)
  } finally {
    await db.close()
  }
  return {kind: 'database', environment}
}
