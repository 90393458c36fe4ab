// The rollback of the design's "Rollback Flow", step by step: (1) alert and lock, (2) stop the current
// version, (3) restore the database, (4) deploy the previous release with its own images and configuration,
// (5) verify, (6) finish: unlock, notify, close the incident; or, when it still fails after one retry,
// escalate and keep the lock and the journal for the people who take over.
import {CicdError, ExitCode, PrerequisiteError, UsageError} from '../errors.js'
import type {Backup, Release, Run} from '../state/store.js'
import {checkArchive, restoreBackup, stopWrites, takeBackup} from './backup.js'
import type {DeployContext} from './context.js'
import {waitHealthy} from './health.js'
import {containerOf, containersOf, healthUrl, instanceAddress, maxDrainMs, releaseInstances, requireImages, startInstance, stopContainers, stopTimeoutOf, settleAll} from './instances.js'
import {formatTimings, openSteps, stepTimings} from './journal.js'
import type {HeldLock} from './lease.js'
import {checkSummaries, describeVerification, requireCheckReferences, verifyRelease} from './verify.js'

export const ROLLBACK_STEPS = ['alert-and-lock', 'stop-current', 'restore-database', 'deploy-previous', 'verify', 'finish'] as const

export interface RollbackPlan {
  environment: string
  current: Release
  target: Release
  /** Undefined when the database is left as it is (--no-db-restore, or nothing changed it). */
  backup?: Backup
  trigger: 'manual' | 'automatic'
  reason: string
}

export interface RollbackOutcome {
  run: Run
  timings: Record<string, number>
  incidentId: number
  safetyBackupId?: number
}

/** Chooses the target and the backup, and refuses what cannot work, before anything changes. */
export async function planRollback(
  ctx: DeployContext,
  options: {to?: number; dbRestore: boolean; force: boolean; reason?: string; trigger?: RollbackPlan['trigger']; current?: Release},
): Promise<RollbackPlan> {
  const current = options.current ?? (await ctx.store.liveRelease())
  if (!current) throw new UsageError(`Nothing is deployed to ${ctx.env.name} yet, so there is nothing to roll back`, [`Deploy first: cicd deploy --env ${ctx.env.name}`])
  let target: Release | undefined
  if (options.to === undefined) {
    target = await ctx.store.previousVerified(current.id)
    if (!target) throw new UsageError(`${ctx.env.name} has no verified release before #${current.id} (${current.version}) to roll back to`, [`See the releases: cicd releases --env ${ctx.env.name}`])
  } else {
    target = await ctx.store.release(options.to)
    if (!target) throw new UsageError(`${ctx.env.name} has no release #${options.to}`, [`See the releases: cicd releases --env ${ctx.env.name}`])
    if (target.id === current.id) throw new UsageError(`Release #${target.id} is already the live release of ${ctx.env.name}`)
    if (target.status !== 'verified' && !options.force) {
      throw new UsageError(`Release #${target.id} (${target.version}) is ${target.status}, not verified`, ['Choose a verified release, or pass --force if you are sure'])
    }
  }
  await requireImages(ctx, target.spec, `release #${target.id} (${target.version})`)
  requireCheckReferences(ctx, 'rollback')
  let backup: Backup | undefined
  if (options.dbRestore && ctx.env.database) {
    backup = await backupForRollback(ctx, target)
    if (!backup) {
      throw new PrerequisiteError(`No usable backup of ${ctx.env.name}'s database was taken after release #${target.id} (${target.version})`, [
        'Roll back the services only with --no-db-restore, and restore the data by hand if needed',
      ])
    }
    const ageHours = (ctx.clock.now() - new Date(backup.createdAt).getTime()) / 3_600_000
    if (ageHours > ctx.env.database.maxBackupAgeHours && !options.force) {
      throw new UsageError(
        `Backup #${backup.id} is ${ageHours.toFixed(1)} h old, older than the ${ctx.env.database.maxBackupAgeHours} h limit: restoring it would lose everything written since`,
        ['Pass --force to restore it anyway, or --no-db-restore to keep the current data'],
      )
    }
    await checkArchive(ctx, backup)
  }
  return {environment: ctx.env.name, current, target, backup, trigger: options.trigger ?? 'manual', reason: options.reason ?? 'manual rollback'}
}

/** The plan an interrupted rollback run was following, for --resume. */
export async function planFromRun(ctx: DeployContext, run: Run): Promise<RollbackPlan> {
  const params = run.params as {currentId: number; targetId: number; backupId: number | null; reason: string}
  const [current, target] = await Promise.all([ctx.store.release(params.currentId), ctx.store.release(params.targetId)])
  const backup = params.backupId === null ? undefined : await ctx.store.backup(params.backupId)
  if (!current || !target) throw new UsageError(`Rollback run #${run.id} refers to releases that no longer exist`)
  return {environment: ctx.env.name, current, target, backup, trigger: run.trigger as RollbackPlan['trigger'], reason: params.reason}
}

/**
 * The data as it was when the target was last live: the pre-deploy backup of the first release after it
 * that went live. Releases that failed were rolled back already (their changes undone), so writes made
 * after them still belong to the target's era and are kept.
 */
async function backupForRollback(ctx: DeployContext, target: Release): Promise<Backup | undefined> {
  const newer = (await ctx.store.releases(1000)).filter((r) => r.id > target.id && r.backupId !== null).sort((a, b) => a.id - b.id)
  const ordered = [...newer.filter((r) => r.status !== 'failed'), ...newer.filter((r) => r.status === 'failed')]
  for (const release of ordered) {
    const backup = await ctx.store.backup(release.backupId!)
    if (backup?.verified) return backup
  }
  return undefined
}

export function describeRollback(ctx: DeployContext, plan: RollbackPlan): string[] {
  const targetInstances = releaseInstances(ctx, plan.target)
  return [
    `Rollback of ${plan.environment}: release #${plan.current.id} (${plan.current.version}) → release #${plan.target.id} (${plan.target.version})`,
    `  1. alert-and-lock   CRITICAL notification to ${ctx.env.notifications.routes.map((r) => r.channel).join(', ') || 'no route'}; take the lock; open an incident`,
    `  2. stop-current     ${ctx.balancer ? `take release #${plan.current.id} out of ${ctx.balancer.description}; ` : ''}drain; stop its containers (graceful, then kill)`,
    plan.backup
      ? `  3. restore-database stop writes; safety backup of the current data; restore backup #${plan.backup.id} (${new Date(plan.backup.createdAt).toISOString()}, ${plan.backup.sizeBytes} bytes, sha256 ${plan.backup.sha256.slice(0, 12)}…); drop tables created since; verify ${plan.backup.tables.length} tables`
      : `  3. restore-database skipped (the database is left as it is)`,
    `  4. deploy-previous  start ${targetInstances.length} instance(s) of ${Object.values(plan.target.spec.services).map((s) => `${s.imageRef} (${s.imageId.slice(7, 19)})`).join(', ')} on ports ${targetInstances.map((i) => i.port).join(', ')} with release #${plan.target.id}'s configuration; wait until healthy`,
    `  5. verify           ${describeVerification(ctx, 'rollback')}`,
    `  6. finish           mark #${plan.current.id} rolled-back; release the lock; INFO notification; close the incident`,
  ]
}

export interface ExecuteRollbackOptions {
  held: HeldLock
  /** An interrupted run to continue (its journal says which steps are done). */
  resume?: Run
}

export async function executeRollback(ctx: DeployContext, plan: RollbackPlan, options: ExecuteRollbackOptions): Promise<RollbackOutcome> {
  const run =
    options.resume ??
    (await ctx.store.startRun({
      operation: 'rollback',
      trigger: plan.trigger,
      actor: ctx.actor,
      params: {currentId: plan.current.id, targetId: plan.target.id, backupId: plan.backup?.id ?? null, reason: plan.reason},
    }))
  if (options.resume) await ctx.store.markResumed(run.id)
  const steps = openSteps(ctx, run, options.held, options.resume ? await ctx.store.journalOf(run.id) : [])
  const {current, target} = plan
  const key = `cicd-${ctx.env.name}-rollback-${run.id}`
  const facts = {run: run.id, from: `#${current.id} ${current.version}`, to: `#${target.id} ${target.version}`, actor: ctx.actor}

  const alert = await steps.step('alert-and-lock', async () => {
    await ctx.notifier.send({level: 'CRITICAL', environment: ctx.env.name, title: `Rollback started: ${current.version} -> ${target.version}`, text: plan.reason, fields: facts, key})
    const incident = await ctx.store.openIncident({runId: run.id, severity: 'CRITICAL', title: `${ctx.env.name}: rollback of ${current.version} to ${target.version} (${plan.reason})`})
    return {incidentId: incident.id, lock: options.held.token.slice(0, 8)}
  })
  const incidentId = Number(alert.incidentId)
  if (options.resume) {
    await ctx.notifier.send({level: 'WARNING', environment: ctx.env.name, title: `Rollback resumed (run #${run.id})`, text: `Continuing after an interruption`, fields: facts, key})
  }

  await steps.step('stop-current', async () => {
    const all = await containersOf(ctx)
    const keepTarget = !plan.backup
    const targetRunning = releaseInstances(ctx, target).filter((i) => containerOf(all, target.id, i)?.running)
    if (ctx.balancer) await ctx.balancer.switchTo(keepTarget ? targetRunning.map((i) => instanceAddress(ctx, i)) : [])
    await ctx.clock.sleep(maxDrainMs(current))
    // With a restore ahead, nothing may write: the target's idle instances stop too and restart in step 4.
    const stopping = all.filter((c) => c.running && (c.labels['cicd.release'] !== String(target.id) || !keepTarget))
    await stopContainers(stopping, stopTimeoutOf(current, 30))
    return {stopped: stopping.map((c) => c.name), keptServing: keepTarget ? targetRunning.length : 0}
  })

  let safetyBackupId: number | undefined
  await steps.step('restore-database', async () => {
    if (!plan.backup) return {skipped: true}
    const terminated = await stopWrites(ctx)
    // A restore never destroys data without a copy; on resume, the copy taken before the crash is the one.
    const earlier = steps.notes('restore-database').find((n) => n.safetyBackupId !== undefined)
    safetyBackupId = earlier ? Number(earlier.safetyBackupId) : (await takeBackup(ctx, {kind: 'safety', releaseId: current.id})).id
    if (!earlier) await steps.note('restore-database', {safetyBackupId})
    const restored = await restoreBackup(ctx, plan.backup)
    return {backupId: plan.backup.id, safetyBackupId, terminatedSessions: terminated, ...restored}
  })
  if (safetyBackupId === undefined) {
    const recorded = steps.notes('restore-database').find((n) => n.safetyBackupId !== undefined)
    if (recorded) safetyBackupId = Number(recorded.safetyBackupId)
  }

  let failure: Error | undefined
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      await steps.step('deploy-previous', () => deployPrevious(ctx, target), {always: attempt > 1})
      await steps.step('verify', async () => {
        const {problems, checks} = await verifyRelease(ctx, target, 'rollback')
        if (problems.length > 0) throw new CicdError(`Verification of release #${target.id} failed: ${problems.join('; ')}`, {exitCode: ExitCode.deployFailed})
        return {checks: checkSummaries(checks)}
      }, {always: attempt > 1})
      failure = undefined
      break
    } catch (error) {
      failure = error as Error
      if (error instanceof PrerequisiteError) break
      if (attempt === 1) {
        ctx.log(`  ${ctx.redact(failure.message)}; retrying once`)
        await steps.note('retry', {error: ctx.redact(failure.message)})
      }
    }
  }

  if (failure) {
    const timings = stepTimings(await ctx.store.journalOf(run.id))
    await ctx.store.finishRun(run.id, 'escalated')
    await ctx.store.updateIncident(incidentId, {status: 'escalated', timings, summary: ctx.redact(failure.message)})
    await ctx.notifier.send({level: 'CRITICAL', environment: ctx.env.name, title: `Rollback FAILED, escalating: ${current.version} -> ${target.version}`, text: ctx.redact(failure.message), fields: facts, key})
    await options.held.pin(`rollback run #${run.id} escalated: ${ctx.redact(failure.message).slice(0, 200)}`)
    throw new CicdError(`The rollback of ${ctx.env.name} failed after a retry: ${failure.message}`, {
      exitCode: ExitCode.deployFailed,
      nextSteps: [
        `The lock stays held and incident #${incidentId} is escalated; the journal of run #${run.id} says what was done: cicd releases --env ${ctx.env.name} --runs`,
        `After fixing the cause: cicd lock release --env ${ctx.env.name} --force --reason "…" and cicd rollback --env ${ctx.env.name} --resume`,
      ],
    })
  }

  await steps.step('finish', async () => {
    // A failed deploy's release keeps why it failed (the failing checks) beside where it went back to.
    const failedDeploy = current.status === 'deploying'
    const back = `rolled back to #${target.id} by run #${run.id}`
    await ctx.store.updateRelease(current.id, {status: failedDeploy ? 'failed' : 'rolled-back', note: failedDeploy ? `${plan.reason}; ${back}` : back})
    return {}
  })
  const timings = stepTimings(await ctx.store.journalOf(run.id))
  await ctx.store.finishRun(run.id, 'succeeded')
  await ctx.store.updateIncident(incidentId, {
    status: 'closed',
    timings,
    summary: `Rolled back ${current.version} -> ${target.version} in ${Object.values(timings).reduce((a, b) => a + b, 0).toFixed(1)} s. Review: schedule the post-incident review within 5 working days.`,
  })
  await options.held.release()
  await ctx.notifier.send({
    level: 'INFO',
    environment: ctx.env.name,
    title: `Rollback finished: ${target.version} serves again`,
    text: `Incident #${incidentId} closed; schedule its review.`,
    fields: {...facts, ...Object.fromEntries(Object.entries(timings).map(([k, v]) => [`${k} (s)`, v.toFixed(1)]))},
    key,
    resolves: true,
  })
  await ctx.store.audit(ctx.actor, 'rollback', {run: run.id, from: current.id, to: target.id, trigger: plan.trigger})
  return {run, timings, incidentId, safetyBackupId}
}

/** Step 4: the target's instances with its own images and configuration, reusing the ones still running. */
async function deployPrevious(ctx: DeployContext, target: Release): Promise<Record<string, unknown>> {
  await requireImages(ctx, target.spec, `release #${target.id} (${target.version})`)
  const existing = await containersOf(ctx, target.id)
  const instances = releaseInstances(ctx, target)
  let started = 0
  await settleAll(
    instances.map(async (instance) => {
      if (!containerOf(existing, target.id, instance)?.running) {
        await startInstance(ctx, target, instance)
        started++
      }
      const result = await waitHealthy({http: ctx.http, clock: ctx.clock, url: healthUrl(ctx, target, instance), check: target.spec.services[instance.service].healthCheck})
      if (!result.healthy) throw new CicdError(`${instance.service}#${instance.index} of release #${target.id} is not healthy: ${result.last}`, {exitCode: ExitCode.deployFailed})
    }),
  )
  if (ctx.balancer) await ctx.balancer.switchTo(instances.map((i) => instanceAddress(ctx, i)))
  await ctx.store.setLive(target.id)
  return {started, reused: instances.length - started}
}

export function undoHint(ctx: DeployContext, plan: RollbackPlan, outcome: RollbackOutcome): string[] {
  const lines = [`To undo: cicd deploy --env ${ctx.env.name} --version ${plan.current.version}  (re-deploys the release that was rolled back)`]
  if (outcome.safetyBackupId !== undefined) {
    lines.push(`The data as it was before the restore is in safety backup #${outcome.safetyBackupId} (pg_restore --clean --single-transaction -d <database> <file>; see cicd releases --env ${ctx.env.name} --backups)`)
  }
  return lines
}

export function rollbackReport(outcome: RollbackOutcome): string[] {
  return [`Step timings (run #${outcome.run.id}):`, ...formatTimings(outcome.timings)]
}

