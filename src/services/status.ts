// `cicd status`: what runs where, read from the engines and reconciled with the records: the live release's
// instances (running or not), idle instances kept for a rollback, strays, the load balancer and the lock.
import {describeHolder} from '../deploy/lease.js'
import {containerOf, containersOf, instanceAddress, releaseInstances} from '../deploy/instances.js'
import {openForCommand, type OperatorOptions} from '../deploy/select.js'

export interface StatusReport {
  environment: string
  strategy: string
  live: {id: number; version: string; status: string} | null
  instances: {service: string; index: number; address: string; engine: string; state: 'running' | 'stopped' | 'missing'; container?: string}[]
  others: {name: string; release: string; running: boolean; engine: string; note: string}[]
  loadBalancer?: {backends: string[]; matchesLive: boolean}
  lock: string | null
  problems: string[]
}

export async function environmentStatus(options: OperatorOptions): Promise<StatusReport> {
  const {env, ctx} = await openForCommand(options)
  await Promise.all(ctx.engines.map((engine) => engine.ping()))
  const [live, containers, lock] = await Promise.all([ctx.store.liveRelease(), containersOf(ctx), ctx.lock.status()])
  const problems: string[] = []
  const instances: StatusReport['instances'] = []
  if (live) {
    for (const instance of releaseInstances(ctx, live)) {
      const container = containerOf(containers, live.id, instance)
      const state = container ? (container.running ? 'running' : 'stopped') : 'missing'
      if (state !== 'running') problems.push(`${instance.service}#${instance.index} of the live release is ${state}`)
      instances.push({service: instance.service, index: instance.index, address: instanceAddress(ctx, instance), engine: ctx.engines[instance.engine].url, state, container: container?.name})
    }
  }
  const releases = new Map((await ctx.store.releases(200)).map((r) => [r.id, r]))
  const others = containers
    .filter((c) => c.labels['cicd.release'] !== String(live?.id))
    .map((c) => {
      const release = releases.get(Number(c.labels['cicd.release']))
      const note = !release ? 'unknown release' : c.running ? `idle ${release.status} release kept for rollback` : `stopped (${release.status})`
      return {name: c.name, release: release ? `#${release.id} ${release.version}` : c.labels['cicd.release'], running: c.running, engine: c.engine.url, note}
    })
  let loadBalancer: StatusReport['loadBalancer']
  if (ctx.balancer) {
    const backends = await ctx.balancer.current()
    const want = live ? releaseInstances(ctx, live).map((i) => instanceAddress(ctx, i)) : []
    const matchesLive = [...backends].sort().join() === [...want].sort().join()
    if (!matchesLive) problems.push(`the load balancer sends traffic to ${backends.join(', ') || 'nothing'}, the live release listens on ${want.join(', ') || 'nothing'}`)
    loadBalancer = {backends, matchesLive}
  }
  return {
    environment: env.name,
    strategy: env.strategy,
    live: live ? {id: live.id, version: live.version, status: live.status} : null,
    instances,
    others,
    loadBalancer,
    lock: lock ? `${lock.expired ? 'expired lease of ' : ''}${describeHolder(lock)}` : null,
    problems,
  }
}

export function renderStatus(report: StatusReport): string[] {
  const lines = [`${report.environment} (${report.strategy}): ${report.live ? `release #${report.live.id} ${report.live.version} (${report.live.status})` : 'nothing deployed'}`]
  for (const i of report.instances) lines.push(`  ${i.service}#${i.index}  ${i.address.padEnd(22)} ${i.state.padEnd(8)} ${i.container ?? ''}`)
  if (report.loadBalancer) lines.push(`  load balancer → ${report.loadBalancer.backends.join(', ') || 'nothing (maintenance)'}${report.loadBalancer.matchesLive ? '' : '  (does not match the live release)'}`)
  for (const o of report.others) lines.push(`  other: ${o.name} (release ${o.release}) ${o.running ? 'running' : 'stopped'}: ${o.note}`)
  lines.push(`  lock: ${report.lock ?? 'free'}`)
  for (const p of report.problems) lines.push(`  ! ${p}`)
  return lines
}
