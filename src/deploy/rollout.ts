// The two ways a new release replaces the live one. Rolling (staging): one instance at a time, each started
// beside the one it replaces, health-checked, swapped in at the load balancer, then the old one drained and
// stopped. Blue-green (production): every green instance started and health-checked on its own ports, one
// atomic switch, and blue left running idle for the configured window so a rollback is instant.
import {CicdError, ExitCode} from '../errors.js'
import type {Release} from '../state/store.js'
import type {DeployContext} from './context.js'
import {waitHealthy, type HealthResult} from './health.js'
import {containerOf, containersOf, healthUrl, instanceAddress, maxDrainMs, releaseInstances, startInstance, stopContainers, stopTimeoutOf, settleAll} from './instances.js'
import type {Instance} from './spec.js'

export class HealthCheckFailed extends CicdError {
  constructor(
    readonly instance: Instance,
    readonly result: HealthResult,
  ) {
    super(`${instance.service}#${instance.index} (port ${instance.port}) failed its health check: ${result.last} after ${result.attempts} attempts in ${(result.durationMs / 1000).toFixed(1)} s`, {
      exitCode: ExitCode.deployFailed,
    })
  }
}

async function startHealthy(ctx: DeployContext, release: Release, instance: Instance): Promise<void> {
  await startInstance(ctx, release, instance)
  const result = await waitHealthy({http: ctx.http, clock: ctx.clock, url: healthUrl(ctx, release, instance), check: release.spec.services[instance.service].healthCheck})
  if (!result.healthy) throw new HealthCheckFailed(instance, result)
  ctx.log(`  ${instance.service}#${instance.index} healthy on ${instanceAddress(ctx, instance)} (${result.attempts} checks)`)
}

export class RollOutStopped extends CicdError {
  constructor() {
    super('The roll-out stopped: the run was interrupted or lost its lock', {exitCode: ExitCode.deployFailed})
  }
}

/** `stopped()` is asked before every load-balancer switch: an interrupted run must not move traffic again. */
export async function rollOut(ctx: DeployContext, release: Release, live: Release | undefined, stopped: () => boolean): Promise<{kept?: string}> {
  const switchTo = async (backends: string[]) => {
    if (stopped()) throw new RollOutStopped()
    await ctx.balancer?.switchTo(backends)
  }
  if (release.spec.strategy === 'blue-green' || !live) return blueGreen(ctx, release, live, switchTo)
  await rolling(ctx, release, live, switchTo)
  return {}
}

type Switch = (backends: string[]) => Promise<void>

async function rolling(ctx: DeployContext, release: Release, live: Release, switchTo: Switch): Promise<void> {
  const liveContainers = await containersOf(ctx, live.id)
  const liveInstances = releaseInstances(ctx, live)
  let backends = ctx.balancer ? await ctx.balancer.current() : []
  for (const instance of releaseInstances(ctx, release)) {
    await startHealthy(ctx, release, instance)
    const old = liveInstances.find((i) => i.service === instance.service && i.index === instance.index)
    if (ctx.balancer) {
      const oldAddress = old ? instanceAddress(ctx, old) : undefined
      backends = [...backends.filter((b) => b !== oldAddress), instanceAddress(ctx, instance)]
      await switchTo(backends)
    }
    const oldContainer = old ? containerOf(liveContainers, live.id, old) : undefined
    if (oldContainer) {
      // In-flight requests on the old instance finish (and nginx's reload takes hold) before it stops.
      await ctx.clock.sleep(maxDrainMs(live))
      await stopContainers([oldContainer], stopTimeoutOf(live, 30), true)
    }
  }
  // Fewer instances than before: the surplus old ones leave last.
  const surplus = (await containersOf(ctx, live.id)).filter((c) => c.running)
  if (surplus.length > 0) {
    if (ctx.balancer) await switchTo(releaseInstances(ctx, release).map((i) => instanceAddress(ctx, i)))
    await ctx.clock.sleep(maxDrainMs(live))
    await stopContainers(surplus, stopTimeoutOf(live, 30), true)
  }
}

async function blueGreen(ctx: DeployContext, release: Release, live: Release | undefined, switchTo: Switch): Promise<{kept?: string}> {
  if (live && !ctx.balancer) {
    throw new CicdError(`Blue-green needs a load balancer, and ${ctx.env.name} has none`, {exitCode: ExitCode.usage, nextSteps: [`Add environments.${ctx.env.name}.loadBalancer`]})
  }
  // The green slot may still hold an older blue kept for its window: it makes room now.
  const leftovers = (await containersOf(ctx)).filter((c) => c.labels['cicd.slot'] === String(release.slot) && c.labels['cicd.release'] !== String(release.id))
  if (leftovers.length > 0) {
    ctx.log(`  removing ${leftovers.length} container(s) of older releases from slot ${release.slot}`)
    await stopContainers(leftovers, () => 10, true)
  }
  const instances = releaseInstances(ctx, release)
  await settleAll(instances.map((instance) => startHealthy(ctx, release, instance)))
  if (ctx.balancer) await switchTo(instances.map((i) => instanceAddress(ctx, i)))
  if (!live) return {}
  return {kept: `release #${live.id} (${live.version}) stays running idle for ${ctx.env.blueGreen.keepBlueHours} h for an instant rollback`}
}
