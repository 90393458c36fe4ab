// A deploy: checks everything it needs before changing anything, then records the release, backs up the
// database, migrates, rolls out with the environment's strategy and verifies. A failure after something
// changed rolls back automatically to the live release, and says so.
import {CicdError, ExitCode, PrerequisiteError, UsageError} from '../errors.js'
import type {Release} from '../state/store.js'
import {takeBackup} from './backup.js'
import type {DeployContext} from './context.js'
import {containerOf, containersOf, healthUrl, instanceAddress, releaseInstances, startInstance, stopContainers, settleAll} from './instances.js'
import {waitHealthy} from './health.js'
import {openSteps} from './journal.js'
import type {HeldLock} from './lease.js'
import {executeRollback, type RollbackOutcome} from './rollback-flow.js'
import {rollOut} from './rollout.js'
import {imageReference, renderSpec, type ReleaseSpec} from './spec.js'
import {checkSummaries, describeVerification, requireCheckReferences, verifyRelease} from './verify.js'

export const DEPLOY_STEPS = ['backup', 'migrate', 'roll-out', 'verify', 'finish'] as const

export interface DeployPlan {
  environment: string
  version: string
  spec: ReleaseSpec
  slot: number
  live?: Release
  backup: boolean
  migrate: boolean
}

/** Resolves images on every engine and reaches every dependency; throws before anything changes. */
export async function planDeploy(ctx: DeployContext, version: string): Promise<DeployPlan> {
  if (Object.keys(ctx.env.services).length === 0) {
    throw new UsageError(`The environment ${ctx.env.name} has no services to deploy`, [`Add environments.${ctx.env.name}.services`])
  }
  await Promise.all(ctx.engines.map((engine) => engine.ping()))
  const imageIds: Record<string, string> = {}
  const missing: string[] = []
  for (const [name, service] of Object.entries(ctx.env.services)) {
    const reference = imageReference(service.image, version)
    const ids = await Promise.all(ctx.engines.map((engine) => engine.imageId(reference)))
    ids.forEach((id, i) => {
      if (!id) missing.push(`${reference} on ${ctx.engines[i].url}`)
    })
    const distinct = new Set(ids.filter(Boolean))
    if (distinct.size > 1) throw new PrerequisiteError(`${reference} is a different image on different engines`, ['Push the same build to every engine'])
    if (ids[0]) imageIds[name] = ids[0]
  }
  if (missing.length > 0) throw new PrerequisiteError(`Image missing: ${missing.join('; ')}`, ['Build or load the image on each engine (no registry pull is attempted), or pick another --version'])
  const backup = ctx.env.backup.required || Boolean(ctx.env.migrations && ctx.env.database)
  if ((backup || ctx.env.migrations) && ctx.appDb) {
    // The database must be reachable before anything changes, not after half the instances moved.
    const db = await ctx.appDb.connect()
    await db.close()
  } else if (ctx.env.backup.required) {
    throw new UsageError(`${ctx.env.name} requires a backup before each deploy but has no database configured`, [`Add environments.${ctx.env.name}.database`])
  }
  if (ctx.env.migrations && !ctx.env.services[ctx.env.migrations.service]) {
    throw new UsageError(`migrations.service "${ctx.env.migrations.service}" is not a service of ${ctx.env.name}`)
  }
  requireCheckReferences(ctx, 'deploy')
  const live = await ctx.store.liveRelease()
  return {environment: ctx.env.name, version, spec: renderSpec(ctx.env, imageIds, version), slot: live ? 1 - live.slot : 0, live, backup, migrate: Boolean(ctx.env.migrations)}
}

export function describeDeploy(ctx: DeployContext, plan: DeployPlan): string[] {
  const fake = {spec: plan.spec, slot: plan.slot}
  const instances = releaseInstances(ctx, fake)
  const lines = [
    `Deploy of ${plan.version} to ${plan.environment} (${plan.spec.strategy}, ${plan.spec.instances} instance(s) per service), replacing ${plan.live ? `release #${plan.live.id} (${plan.live.version})` : 'nothing (first deploy)'}`,
    `  images: ${Object.entries(plan.spec.services).map(([n, s]) => `${n}=${s.imageRef} (${s.imageId.slice(7, 19)})`).join(', ')}`,
    `  1. backup   ${plan.backup ? `pg_dump (custom format) of the application database to ${ctx.env.database?.backupDir}, checksum, pg_restore --list` : 'none'}`,
    `  2. migrate  ${plan.migrate ? `${ctx.env.migrations!.command.join(' ')} in a one-off ${ctx.env.migrations!.service} container` : 'none'}`,
  ]
  if (plan.spec.strategy === 'rolling' && plan.live) {
    lines.push(`  3. roll-out one at a time: start on ${instances.map((i) => i.port).join(', ')}, health check, swap in at ${ctx.balancer?.description ?? 'no load balancer'}, drain and stop the old instance`)
  } else {
    lines.push(`  3. roll-out start ${instances.length} instance(s) on ports ${instances.map((i) => i.port).join(', ')}, health check all, switch ${ctx.balancer?.description ?? '(no load balancer)'} at once${plan.live ? `; keep release #${plan.live.id} running idle for ${ctx.env.blueGreen.keepBlueHours} h` : ''}`)
  }
  lines.push(`  4. verify   ${describeVerification(ctx, 'deploy')}`, `  5. finish   mark the release verified and live; INFO notification`)
  lines.push(`  On failure after step 1: automatic rollback to ${plan.live ? `release #${plan.live.id}` : 'nothing (the new containers are removed)'}, exit 4`)
  return lines
}

/**
 * Repairs what an interrupted deploy (Ctrl-C, kill -9) left: its runs are marked failed, its release's
 * containers removed, and the live release is complete again and alone behind the load balancer.
 * Runs under the lock, before a deploy, and as the Ctrl-C cleanup of a deploy.
 */
export async function reconcileAbandoned(ctx: DeployContext, options: {exceptRun?: number} = {}): Promise<string[]> {
  const done: string[] = []
  for (const run of await ctx.store.runs(50)) {
    if (run.operation !== 'deploy' || run.status !== 'running' || run.id === options.exceptRun) continue
    await ctx.store.journal(run.id, 'interrupted', 'note', {by: ctx.actor})
    await ctx.store.finishRun(run.id, 'failed')
    done.push(`deploy run #${run.id} was interrupted: marked failed`)
  }
  const live = await ctx.store.liveRelease()
  for (const release of await ctx.store.releases(50)) {
    if (release.status !== 'deploying' || release.id === live?.id) continue
    await ctx.store.updateRelease(release.id, {status: 'failed', note: 'interrupted deploy'})
    const containers = await containersOf(ctx, release.id)
    await stopContainers(containers, () => 10, true)
    done.push(`release #${release.id} (${release.version}) was left half deployed: marked failed, ${containers.length} container(s) removed`)
  }
  if (live) {
    const existing = await containersOf(ctx, live.id)
    const instances = releaseInstances(ctx, live)
    const missing = instances.filter((i) => !containerOf(existing, live.id, i)?.running)
    for (const instance of missing) await startInstance(ctx, live, instance)
    await settleAll(missing.map(async (instance) => {
      const result = await waitHealthy({http: ctx.http, clock: ctx.clock, url: healthUrl(ctx, live, instance), check: live.spec.services[instance.service].healthCheck})
      if (!result.healthy) throw new CicdError(`Could not bring back ${instance.service}#${instance.index} of the live release #${live.id}: ${result.last}`, {exitCode: ExitCode.deployFailed})
    }))
    if (missing.length > 0) done.push(`restarted ${missing.length} missing instance(s) of the live release #${live.id}`)
    if (ctx.balancer) {
      const want = instances.map((i) => instanceAddress(ctx, i))
      const have = await ctx.balancer.current()
      if (want.join() !== have.join()) {
        await ctx.balancer.switchTo(want)
        done.push(`load balancer set back to release #${live.id}`)
      }
    }
  }
  for (const line of done) ctx.log(`  repaired: ${line}`)
  return done
}

export interface DeployOutcome {
  release: Release
  runId: number
  kept?: string
}

export async function executeDeploy(ctx: DeployContext, plan: DeployPlan, options: {held: HeldLock; reason: string}): Promise<DeployOutcome> {
  const run = await ctx.store.startRun({operation: 'deploy', trigger: 'manual', actor: ctx.actor, params: {version: plan.version, reason: options.reason}})
  const steps = openSteps(ctx, run, options.held)
  const release = await ctx.store.createRelease({version: plan.version, images: Object.fromEntries(Object.entries(plan.spec.services).map(([n, s]) => [n, s.imageId])), spec: plan.spec, slot: plan.slot, actor: ctx.actor})
  ctx.log(`release #${release.id}: ${plan.version} (run #${run.id})`)
  let migrated = false
  let backupId: number | undefined
  try {
    await steps.step('backup', async () => {
      if (!plan.backup) return {skipped: true}
      const backup = await takeBackup(ctx, {kind: 'pre-deploy', releaseId: release.id})
      backupId = backup.id
      await ctx.store.updateRelease(release.id, {backupId: backup.id})
      return {backupId: backup.id, sizeBytes: backup.sizeBytes, sha256: backup.sha256}
    })
    await steps.step('migrate', async () => {
      if (!plan.migrate) return {skipped: true}
      migrated = true
      return runMigrations(ctx, release)
    })
    let kept: string | undefined
    await steps.step('roll-out', async () => {
      kept = (await rollOut(ctx, release, plan.live, () => options.held.lost())).kept
      await ctx.store.setLive(release.id)
      return {instances: releaseInstances(ctx, release).length}
    })
    await steps.step('verify', async () => {
      const {problems, checks} = await verifyRelease(ctx, release, 'deploy')
      if (problems.length > 0) throw new CicdError(`Verification failed: ${problems.join('; ')}`, {exitCode: ExitCode.deployFailed})
      return {checks: checkSummaries(checks)}
    })
    await steps.step('finish', async () => {
      await ctx.store.updateRelease(release.id, {status: 'verified'})
      return {}
    })
    await ctx.store.finishRun(run.id, 'succeeded')
    await ctx.store.audit(ctx.actor, 'deploy', {release: release.id, version: plan.version, run: run.id})
    await ctx.notifier.send({level: 'INFO', environment: ctx.env.name, title: `Deployed ${plan.version}`, text: kept ?? `release #${release.id} is live`, fields: {release: release.id, run: run.id, actor: ctx.actor}})
    return {release: {...release, status: 'verified'}, runId: run.id, kept}
  } catch (error) {
    await ctx.store.finishRun(run.id, 'failed')
    await ctx.store.updateRelease(release.id, {status: 'failed', note: ctx.redact((error as Error).message)})
    throw await recover(ctx, plan, release, error as Error, {held: options.held, restoreDb: migrated && backupId !== undefined, backupId})
  }
}

async function runMigrations(ctx: DeployContext, release: Release): Promise<Record<string, unknown>> {
  const migrations = ctx.env.migrations!
  const service = release.spec.services[migrations.service]
  const result = await ctx.engines[0].runToCompletion({
    image: service.imageId,
    cmd: migrations.command,
    env: {DATABASE_URL: ctx.appDb!.url, CICD_ENVIRONMENT: ctx.env.name, CICD_VERSION: release.version},
    labels: {'cicd.namespace': ctx.namespace, 'cicd.environment': ctx.env.name, 'cicd.release': String(release.id), 'cicd.role': 'migration'},
  })
  if (result.exitCode !== 0) {
    throw new CicdError(`The migration command exited ${result.exitCode}: ${ctx.redact(result.output.trim().split('\n').slice(-5).join(' | '))}`, {exitCode: ExitCode.deployFailed})
  }
  let head: string | undefined
  if (migrations.headQuery && ctx.appDb) {
    const db = await ctx.appDb.connect()
    try {
      const [row] = await db.query(migrations.headQuery)
      head = row ? String(Object.values(row)[0]) : undefined
    } finally {
      await db.close()
    }
    if (head !== undefined) await ctx.store.updateRelease(release.id, {migrationHead: head})
  }
  return {migrationHead: head ?? null}
}

/** After a failed deploy: back to the live release (the full rollback flow), then the error that says so. */
async function recover(
  ctx: DeployContext,
  plan: DeployPlan,
  release: Release,
  cause: Error,
  options: {held: HeldLock; restoreDb: boolean; backupId?: number},
): Promise<CicdError> {
  const what = `Deploy of ${plan.version} to ${ctx.env.name} failed: ${ctx.redact(cause.message)}`
  if (cause instanceof PrerequisiteError && !(await containersOf(ctx, release.id)).length) {
    await options.held.release()
    return new CicdError(`${what}. Nothing was started; release #${release.id} is marked failed.`, {exitCode: ExitCode.deployFailed, nextSteps: cause.nextSteps})
  }
  if (!plan.live) {
    const started = await containersOf(ctx, release.id)
    await stopContainers(started, () => 10, true)
    if (ctx.balancer) await ctx.balancer.switchTo([])
    await options.held.release()
    return new CicdError(`${what}. This was the first deploy: its ${started.length} container(s) were removed and release #${release.id} is marked failed.`, {exitCode: ExitCode.deployFailed})
  }
  ctx.log(`${what}\nRolling back automatically to release #${plan.live.id} (${plan.live.version})…`)
  const backup = options.restoreDb && options.backupId !== undefined ? await ctx.store.backup(options.backupId) : undefined
  let outcome: RollbackOutcome
  try {
    outcome = await executeRollback(
      ctx,
      {environment: ctx.env.name, current: {...release, status: 'deploying'}, target: plan.live, backup, trigger: 'automatic', reason: `automatic: ${ctx.redact(cause.message)}`},
      {held: options.held},
    )
  } catch (rollbackError) {
    return new CicdError(`${what}. The automatic rollback to release #${plan.live.id} failed too: ${(rollbackError as Error).message}`, {
      exitCode: ExitCode.deployFailed,
      nextSteps: (rollbackError as CicdError).nextSteps ?? [],
    })
  }
  return new CicdError(
    `${what}. Rolled back automatically to release #${plan.live.id} (${plan.live.version}), which serves again${backup ? ` (database restored from backup #${backup.id})` : ''}; release #${release.id} is marked failed; incident #${outcome.incidentId}, rollback run #${outcome.run.id}.`,
    {exitCode: ExitCode.deployFailed, nextSteps: [`See the journal: cicd releases --env ${ctx.env.name} --runs`]},
  )
}
