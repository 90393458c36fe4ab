// `cicd cleanup`: removes containers no release needs (expired blues, stopped instances) and, with --images,
// the images of the services' repositories that no protected release uses. Holds the lock while it works.
import type {Prompter} from '../adapters/prompt.js'
import {confirmAction} from '../deploy/confirm.js'
import {containersOf, stopContainers} from '../deploy/instances.js'
import {holdLock} from '../deploy/lease.js'
import {expiredContainers, protectedImages, removableImages} from '../deploy/retention.js'
import {openForCommand, type OperatorOptions} from '../deploy/select.js'

export interface CleanupOptions extends OperatorOptions {
  images: boolean
  dryRun: boolean
  yes: boolean
  prompter: Prompter
}

export interface CleanupReport {
  containers: string[]
  images: string[]
  protectedImages: string[]
  dryRun: boolean
}

export async function cleanupEnvironment(options: CleanupOptions): Promise<CleanupReport> {
  const {env, ctx} = await openForCommand(options)
  const [live, releases, containers] = await Promise.all([ctx.store.liveRelease(), ctx.store.releases(1000), containersOf(ctx)])
  const facts = containers.map((c) => ({id: c.id, name: c.name, releaseId: Number(c.labels['cicd.release']), running: c.running}))
  const expired = new Set(expiredContainers(facts, live, env.blueGreen.keepBlueHours, ctx.clock.now()).map((c) => c.id))
  const doomed = containers.filter((c) => expired.has(c.id))
  const protect = protectedImages(releases, live, env.keepReleases)
  const repositories = Object.values(env.services).map((s) => s.image)
  const images = options.images ? (await Promise.all(ctx.engines.map(async (engine) => removableImages(await engine.images(), repositories, protect).map((image) => ({engine, image}))))).flat() : []
  const report = {containers: doomed.map((c) => c.name), images: images.map(({image}) => image.tags.join(',') || image.id), protectedImages: [...protect], dryRun: options.dryRun}
  if (options.dryRun || (doomed.length === 0 && images.length === 0)) return report
  await confirmAction({env, action: `Remove ${doomed.length} container(s) and ${images.length} image(s) from ${env.name}`, yes: options.yes, prompter: options.prompter})
  const held = await holdLock(ctx, {reason: 'cleanup', operation: 'cleanup', waitSeconds: 0})
  try {
    await stopContainers(doomed, () => 10, true)
    for (const {engine, image} of images) await engine.removeImage(image.id)
    await ctx.store.audit(ctx.actor, 'cleanup', {containers: report.containers, images: report.images})
  } finally {
    await held.release()
  }
  return report
}
