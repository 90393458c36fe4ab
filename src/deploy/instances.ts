// A release's containers on the environment's engines: start one instance (its configuration re-rendered
// from the release record), find what runs, stop gracefully, and say where each instance answers.
import type {DeployedContainer, DeployEngine} from '../adapters/deploy-engine.js'
import {PrerequisiteError} from '../errors.js'
import type {Release} from '../state/store.js'
import {resolveOrExplain, type DeployContext} from './context.js'
import {containerLabels, containerName, instancesOf, type Instance, type ReleaseSpec} from './spec.js'

export interface RunningContainer extends DeployedContainer {
  engine: DeployEngine
}

export function instanceAddress(ctx: DeployContext, instance: Instance): string {
  return `${ctx.engines[instance.engine].address}:${instance.port}`
}

export function releaseInstances(ctx: DeployContext, release: Pick<Release, 'spec' | 'slot'>): Instance[] {
  return instancesOf(release.spec, release.slot, ctx.engines.length)
}

/** Fails before anything changes when an engine lacks one of the release's images. */
export async function requireImages(ctx: DeployContext, spec: ReleaseSpec, label: string): Promise<void> {
  const missing: string[] = []
  await Promise.all(
    ctx.engines.map(async (engine) => {
      for (const [service, s] of Object.entries(spec.services)) {
        if (!(await engine.imageId(s.imageId))) missing.push(`${service} image ${s.imageRef} (${s.imageId.slice(0, 19)}) on ${engine.url}`)
      }
    }),
  )
  if (missing.length > 0) {
    throw new PrerequisiteError(`The images of ${label} are missing: ${missing.join('; ')}`, [
      'Load or build the image on that engine (docker load / docker build), then run the command again',
    ])
  }
}

export async function startInstance(ctx: DeployContext, release: Release, instance: Instance): Promise<void> {
  const service = release.spec.services[instance.service]
  const engine = ctx.engines[instance.engine]
  const name = containerName(ctx.namespace, ctx.env.name, release.id, instance)
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(service.env)) env[key] = resolveOrExplain(value, ctx.hostEnv, `services.${instance.service}.env.${key}`)
  // A container of the same name is a leftover of an interrupted run of this same release: replace it.
  for (const old of await engine.list({'cicd.namespace': ctx.namespace, 'cicd.environment': ctx.env.name, 'cicd.release': String(release.id), 'cicd.service': instance.service, 'cicd.instance': String(instance.index)})) {
    await engine.remove(old.id)
  }
  const spec = {
    name,
    image: service.imageId,
    cmd: service.command,
    env: {...env, PORT: String(instance.port), CICD_ENVIRONMENT: ctx.env.name, CICD_RELEASE: String(release.id), CICD_VERSION: release.version},
    labels: containerLabels(ctx.namespace, ctx.env.name, release.id, instance, release.slot),
    stopTimeoutSeconds: service.stopTimeoutSeconds,
  }
  // 409: a process killed while creating this container left the engine finishing that creation (with vfs
  // that can take seconds) after the listing above. The name is ours: remove the leftover once the engine
  // lets go of it, and start again.
  for (let attempt = 1; ; attempt++) {
    try {
      await engine.start(spec)
      return
    } catch (error) {
      if ((error as {statusCode?: number}).statusCode !== 409 || attempt >= 30) throw error
      await engine.remove(name).catch(() => {})
      await ctx.clock.sleep(1000)
    }
  }
}

/** Like Promise.all, but waits for every task to settle before rejecting, so a retry never overlaps them. */
export async function settleAll<T>(tasks: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(tasks)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  return results.map((r) => (r as PromiseFulfilledResult<T>).value)
}

/** The environment's containers on every engine, optionally only one release's. */
export async function containersOf(ctx: DeployContext, releaseId?: number): Promise<RunningContainer[]> {
  const labels: Record<string, string> = {'cicd.namespace': ctx.namespace, 'cicd.environment': ctx.env.name}
  if (releaseId !== undefined) labels['cicd.release'] = String(releaseId)
  const lists = await Promise.all(ctx.engines.map(async (engine) => (await engine.list(labels)).map((c) => ({...c, engine}))))
  return lists.flat()
}

export function containerOf(containers: RunningContainer[], releaseId: number, instance: Instance): RunningContainer | undefined {
  return containers.find(
    (c) => c.labels['cicd.release'] === String(releaseId) && c.labels['cicd.service'] === instance.service && c.labels['cicd.instance'] === String(instance.index),
  )
}

/** Graceful stop (SIGTERM, the service's timeout, then SIGKILL), all at once. */
export async function stopContainers(containers: RunningContainer[], timeoutSeconds: (c: RunningContainer) => number, remove = false): Promise<void> {
  await Promise.all(
    containers.map(async (c) => {
      await c.engine.stop(c.id, timeoutSeconds(c))
      if (remove) await c.engine.remove(c.id)
    }),
  )
}

export function stopTimeoutOf(release: Release | undefined, fallback: number) {
  return (c: RunningContainer) => release?.spec.services[c.labels['cicd.service']]?.stopTimeoutSeconds ?? fallback
}

export function healthUrl(ctx: DeployContext, release: Pick<Release, 'spec'>, instance: Instance): string {
  return `http://${instanceAddress(ctx, instance)}${release.spec.services[instance.service].healthCheck.path}`
}

export function maxDrainMs(release: Pick<Release, 'spec'>): number {
  return Math.max(0, ...Object.values(release.spec.services).map((s) => s.drainMs))
}
