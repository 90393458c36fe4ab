// The `docker` check: the containers of a service of the environment (its live release's, found by the labels
// deploys put on them) or any containers carrying given labels, on every engine of the environment, are
// running, none is unhealthy by its HEALTHCHECK, and each stays under the CPU and memory thresholds. CPU is a
// rate the engine measures over about a second, so one attempt takes 1–2 s.
import type {ContainerState, ContainerUsage, DeployedContainer, DeployEngine} from '../../adapters/deploy-engine.js'
import {redactUrl} from '../../lifecycle/redact.js'
import type {CheckOf} from '../schema.js'
import type {Probe, ProbeContext, ProbeResult} from '../types.js'

type DockerCheck = CheckOf<'docker'>

interface Found extends DeployedContainer {
  engine: DeployEngine
}

interface Observed extends Found {
  /** Undefined when the container went away between the listing and the inspection. */
  state?: ContainerState
  usage?: ContainerUsage
}

/** An engine that could not be asked: its own evidence, not a stack trace. */
class EngineFailure extends Error {}

export const dockerProbe: Probe<'docker'> = async (check, ctx) => {
  // The schema guarantees a service or labels to select containers by.
  const {engines, namespace, liveRelease} = await ctx.engines()
  if (engines.length === 0) return failed(`${ctx.environment} has no Docker engine to look at: configure the environment's engines`)
  try {
    const selection = check.service ? await selectService(check, check.service, ctx, engines, namespace, liveRelease) : await selectLabelled(check.labels ?? {}, engines)
    if ('missing' in selection) return failed(selection.missing)
    ctx.signal.throwIfAborted()
    const observed = await observe(selection.containers, ctx.signal)
    return verdict(check, observed, check.minRunning ?? selection.defaultMinRunning)
  } catch (error) {
    if (error instanceof EngineFailure) return failed(error.message)
    throw error
  }
}

type Selection = {containers: Found[]; defaultMinRunning: number} | {missing: string}

/** A service's containers: those of the live release when it is known (all of them must run), else all of them. */
async function selectService(check: DockerCheck, service: string, ctx: ProbeContext, engines: DeployEngine[], namespace: string | undefined, liveRelease: number | undefined): Promise<Selection> {
  const environmentLabels = {...(namespace ? {'cicd.namespace': namespace} : {}), 'cicd.environment': ctx.environment}
  const extra = check.labels ?? {}
  const all = await listEverywhere(engines, {...environmentLabels, 'cicd.service': service, ...extra})
  if (liveRelease === undefined) return all.length > 0 ? {containers: all, defaultMinRunning: 1} : {missing: await noSuchService()}
  const live = all.filter((c) => c.labels['cicd.release'] === String(liveRelease))
  if (live.length > 0) return {containers: live, defaultMinRunning: live.length}
  if (all.length > 0) {
    const releases = [...new Set(all.map((c) => `#${c.labels['cicd.release']}`))].sort()
    return {missing: `no container of ${service} belongs to the live release #${liveRelease} of ${ctx.environment} (found releases ${releases.join(', ')})`}
  }
  return {missing: await noSuchService()}

  async function noSuchService(): Promise<string> {
    const where = `${ctx.environment} on ${engineList(engines)}`
    if (Object.keys(extra).length > 0) return `no containers of service "${service}" labelled ${labelList(extra)} in ${where}`
    const services = [...new Set((await listEverywhere(engines, environmentLabels)).map((c) => c.labels['cicd.service']).filter(Boolean))].sort()
    return services.length > 0
      ? `no service "${service}" in ${where}: its containers run ${services.join(', ')}`
      : `no containers of ${ctx.environment} on ${engineList(engines)}: nothing has been deployed there yet`
  }
}

async function selectLabelled(labels: Record<string, string>, engines: DeployEngine[]): Promise<Selection> {
  const containers = await listEverywhere(engines, labels)
  if (containers.length === 0) return {missing: `no containers labelled ${labelList(labels)} on ${engineList(engines)}`}
  return {containers, defaultMinRunning: 1}
}

/** Every engine's matching containers; any engine that cannot be asked fails the lot, naming each such engine. */
async function listEverywhere(engines: DeployEngine[], labels: Record<string, string>): Promise<Found[]> {
  const lists = await Promise.allSettled(engines.map(async (engine) => (await onEngine(engine, engine.list(labels))).map((c) => ({...c, engine}))))
  const failures = lists.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown)
  if (failures.length > 0) {
    const unexpected = failures.find((f) => !(f instanceof EngineFailure))
    throw unexpected ?? new EngineFailure(failures.map((f) => (f as Error).message).join('; '))
  }
  return lists.flatMap((r) => (r as PromiseFulfilledResult<Found[]>).value)
}

/** State first (quick), then usage of the running ones (the slow sampling), each engine asked in parallel. */
async function observe(containers: Found[], signal: AbortSignal): Promise<Observed[]> {
  const states = await Promise.all(containers.map((c) => onEngine(c.engine, c.engine.inspectState(c.id, signal), signal)))
  signal.throwIfAborted()
  const usages = await Promise.all(containers.map((c, i) => (states[i]?.running ? onEngine(c.engine, c.engine.usage(c.id, signal), signal) : undefined)))
  return containers.map((c, i) => ({...c, state: states[i], usage: usages[i]}))
}

async function onEngine<T>(engine: DeployEngine, work: Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await work
  } catch (error) {
    if (signal?.aborted) throw error
    const {statusCode, message} = error as {statusCode?: number; message?: string}
    const url = redactUrl(engine.url)
    throw new EngineFailure(
      statusCode === undefined
        ? `the Docker engine ${url} does not answer (${message}): check that it runs and that the environment's engine URL is right`
        : `the Docker engine ${url} answered HTTP ${statusCode}: ${message}`,
    )
  }
}

function verdict(check: DockerCheck, observed: Observed[], minRunning: number): ProbeResult {
  const running = observed.filter((o) => o.state?.running)
  const down = observed.filter((o) => !o.state?.running)
  const enough = running.length >= minRunning
  const required = !enough || minRunning > observed.length ? ` (${minRunning} required)` : ''
  let evidence = `${running.length}/${observed.length} running${required}`
  if (down.length > 0) evidence += `: ${down.map(describeDown).join(', ')}`

  const unhealthy = running.filter((o) => o.state?.health === 'unhealthy')
  // After a list of stopped containers a comma would read as part of the last one's description.
  if (running.length > 0) evidence += `${down.length > 0 ? ';' : ','} ${describeHealth(running, unhealthy)}`

  const sampled = running.filter((o): o is Observed & {usage: ContainerUsage} => o.usage !== undefined)
  const busiest = highest(sampled, (o) => o.usage.cpuPercent)
  const fullest = highest(sampled, (o) => o.usage.memoryPercent)
  const cpuOver = busiest !== undefined && busiest.usage.cpuPercent > check.maxCpuPercent
  const memoryOver = fullest !== undefined && fullest.usage.memoryPercent > check.maxMemoryPercent
  if (busiest && fullest) {
    const who = (o: Observed) => (sampled.length > 1 ? ` (${o.name})` : '')
    const cpu = `cpu ${percent(busiest.usage.cpuPercent)} of ${cpuBasis(busiest.usage)}${who(busiest)}${cpuOver ? `, over the ${check.maxCpuPercent}% threshold` : ''}`
    const memory = `memory ${percent(fullest.usage.memoryPercent)} of ${memoryBasis(fullest.usage)}${who(fullest)}${memoryOver ? `, over the ${check.maxMemoryPercent}% threshold` : ''}`
    evidence += `; ${cpu}, ${memory}`
  }

  return {
    ok: enough && unhealthy.length === 0 && !cpuOver && !memoryOver,
    ...(enough && unhealthy.length === 0 && (cpuOver || memoryOver) ? {thresholdCrossed: true} : {}),
    evidence,
    details: observed.map(describeContainer),
    ...(busiest && fullest ? {measurements: {cpuPercent: round(busiest.usage.cpuPercent), memoryPercent: round(fullest.usage.memoryPercent)}} : {}),
  }
}

function describeDown(o: Observed): string {
  return `${o.name} ${notRunning(o.state)}`
}

function notRunning(state: ContainerState | undefined): string {
  if (!state) return 'removed while being checked'
  if (state.status === 'exited' || state.status === 'dead') return `${state.status} (${state.exitCode}${state.oomKilled ? ', out of memory' : ''})`
  if (state.status === 'restarting') return `restarting (exit ${state.exitCode}, ${state.restartCount} restarts)`
  if (state.status === 'created') return 'created but never started'
  return state.status
}

function describeHealth(running: Observed[], unhealthy: Observed[]): string {
  if (unhealthy.length > 0) return `unhealthy: ${unhealthy.map((o) => o.name).join(', ')}`
  const count = (health: ContainerState['health']) => running.filter((o) => o.state?.health === health).length
  const healthy = count('healthy')
  if (healthy === running.length) return 'healthy'
  const none = count('none')
  if (none === running.length) return 'no health check'
  const starting = count('starting')
  return [healthy && `${healthy} healthy`, starting && `${starting} health starting`, none && `${none} without health check`].filter(Boolean).join(', ')
}

function describeContainer(o: Observed): string {
  const where = `${o.name} on ${redactUrl(o.engine.url)}`
  const state = o.state
  if (!state?.running) return `${where}: ${notRunning(state)}`
  const parts = [`running`, state.health === 'none' ? 'no health check' : state.health]
  if (o.usage) {
    parts.push(`cpu ${percent(o.usage.cpuPercent)} of ${cpuBasis(o.usage)}`, `memory ${bytes(o.usage.memoryBytes)} of ${memoryBasis(o.usage)} (${percent(o.usage.memoryPercent)})`)
  }
  if (state.restartCount > 0) parts.push(`${state.restartCount} restarts`)
  const healthOutput = state.health === 'unhealthy' && state.healthOutput ? `; last health check said: ${state.healthOutput.replace(/\s+/g, ' ').slice(0, 200)}` : ''
  return `${where}: ${parts.join(', ')}${healthOutput}`
}

function cpuBasis(usage: ContainerUsage): string {
  const cpus = `${Number(usage.cpus.toFixed(2))} CPU${usage.cpus === 1 ? '' : 's'}`
  return usage.cpuLimited ? `its ${cpus}` : `the host's ${cpus}`
}

function memoryBasis(usage: ContainerUsage): string {
  return usage.memoryLimited ? bytes(usage.memoryLimitBytes) : `the host's ${bytes(usage.memoryLimitBytes)}`
}

function highest<T>(items: T[], value: (item: T) => number): T | undefined {
  return items.reduce<T | undefined>((best, item) => (best === undefined || value(item) > value(best) ? item : best), undefined)
}

function percent(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)}%`
}

function round(value: number): number {
  return Math.round(value * 10) / 10
}

function bytes(value: number): string {
  const MiB = 2 ** 20
  if (value >= 2 ** 30) return `${Number((value / 2 ** 30).toFixed(1))} GiB`
  if (value >= MiB) return `${Math.round(value / MiB)} MiB`
  return `${Math.round(value / 1024)} KiB`
}

function labelList(labels: Record<string, string>): string {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(', ')
}

function engineList(engines: DeployEngine[]): string {
  return engines.map((e) => redactUrl(e.url)).join(', ')
}

function failed(evidence: string): ProbeResult {
  return {ok: false, evidence}
}
