// The Docker engines an environment deploys to (dockerode, imported lazily): unix socket, tcp with TLS, or
// ssh. Only what deploys, rollbacks and their verification need: image ids, long-running service containers
// with host networking, graceful stops, one-off migration containers, image cleanup, and the state, health
// and CPU/memory usage of a container.
import {readFile} from 'node:fs/promises'
import {Writable} from 'node:stream'

import type Dockerode from 'dockerode'

import {PrerequisiteError} from '../errors.js'

export interface EngineEndpoint {
  url: string
  tls?: {ca: string; cert: string; key: string}
}

export interface ServiceContainerSpec {
  name: string
  /** An image id (sha256:…) or reference. */
  image: string
  cmd?: string[]
  env: Record<string, string>
  labels: Record<string, string>
  stopTimeoutSeconds: number
}

export interface DeployedContainer {
  id: string
  name: string
  imageId: string
  running: boolean
  labels: Record<string, string>
}

export type ContainerHealth = 'healthy' | 'unhealthy' | 'starting' | 'none'

export interface ContainerState {
  /** The engine's word for it: running, exited, restarting, paused, created, dead. */
  status: string
  running: boolean
  /** The verdict of the image's HEALTHCHECK; `none` when the container has none. */
  health: ContainerHealth
  /** What the last health check printed, for the evidence of an unhealthy container. */
  healthOutput?: string
  restartCount: number
  /** The main process's exit code, once it has stopped. */
  exitCode?: number
  oomKilled: boolean
}

export interface ContainerUsage {
  /** Percent of the container's CPU limit, or of all the host's CPUs when it has none (0–100, give or take sampling jitter). */
  cpuPercent: number
  /** The CPUs cpuPercent is a share of, and whether they are the container's limit or the whole host. */
  cpus: number
  cpuLimited: boolean
  /** Memory in use without the reclaimable page cache, as `docker stats` counts it. */
  memoryBytes: number
  /** The container's memory limit, or the host's memory when it has none. */
  memoryLimitBytes: number
  memoryLimited: boolean
  memoryPercent: number
}

export interface DeployEngine {
  readonly url: string
  /** Where host-networked services on this engine are reachable. */
  readonly address: string
  ping(): Promise<void>
  /** The image's id, or undefined when the engine does not have it. */
  imageId(reference: string): Promise<string | undefined>
  start(spec: ServiceContainerSpec): Promise<string>
  /** SIGTERM, then SIGKILL after the timeout (the engine's graceful stop). */
  stop(id: string, timeoutSeconds: number): Promise<void>
  remove(id: string): Promise<void>
  list(labels: Record<string, string>): Promise<DeployedContainer[]>
  runToCompletion(spec: {image: string; cmd: string[]; env: Record<string, string>; labels: Record<string, string>}): Promise<{exitCode: number; output: string}>
  images(): Promise<{id: string; tags: string[]}[]>
  removeImage(id: string): Promise<void>
  /** The container's state and health, or undefined when it no longer exists. */
  inspectState(id: string, signal?: AbortSignal): Promise<ContainerState | undefined>
  /** CPU and memory usage of a running container. Takes 1–2 s: the engine samples CPU twice, a second apart. */
  usage(id: string, signal?: AbortSignal): Promise<ContainerUsage>
}

function engineAddress(url: string): string {
  if (url.startsWith('unix://')) return '127.0.0.1'
  return new URL(url).hostname
}

async function dockerodeFor(endpoint: EngineEndpoint): Promise<Dockerode> {
  const {default: Docker} = await import('dockerode')
  const url = new URL(endpoint.url)
  if (url.protocol === 'unix:') return new Docker({socketPath: url.pathname})
  if (url.protocol === 'ssh:') {
    return new Docker({protocol: 'ssh', host: url.hostname, port: url.port ? Number(url.port) : 22, username: url.username || undefined} as Dockerode.DockerOptions)
  }
  const tls = endpoint.tls
    ? {ca: await readFile(endpoint.tls.ca), cert: await readFile(endpoint.tls.cert), key: await readFile(endpoint.tls.key)}
    : {}
  return new Docker({protocol: endpoint.tls ? 'https' : 'http', host: url.hostname, port: Number(url.port || (endpoint.tls ? 2376 : 2375)), ...tls})
}

const HEALTH_STATES: readonly string[] = ['healthy', 'unhealthy', 'starting'] satisfies ContainerHealth[]

/** The CPUs a container may use: its NanoCpus (`--cpus`) or CpuQuota/CpuPeriod limit, never more than the host has. */
function cpuLimit(limits: Dockerode.HostConfig & {NanoCpus?: number}, hostCpus: number): number | undefined {
  const cpus = limits.NanoCpus ? limits.NanoCpus / 1e9 : limits.CpuQuota && limits.CpuQuota > 0 ? limits.CpuQuota / (limits.CpuPeriod || 100_000) : undefined
  return cpus === undefined ? undefined : Math.min(cpus, hostCpus)
}

/**
 * Usage as `docker stats` computes it, but CPU as a share of the container's limit (or of the whole host)
 * rather than of one CPU, so one threshold means the same on every machine.
 */
function usageOf(stats: Dockerode.ContainerStats, limits: Dockerode.HostConfig & {NanoCpus?: number}): ContainerUsage {
  const cpu = stats.cpu_stats
  const pre = stats.precpu_stats
  const hostCpus = cpu.online_cpus || cpu.cpu_usage.percpu_usage?.length || 1
  const cpuDelta = cpu.cpu_usage.total_usage - (pre.cpu_usage?.total_usage ?? 0)
  const systemDelta = (cpu.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0)
  const busyCpus = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * hostCpus : 0
  const limited = cpuLimit(limits, hostCpus)
  const cpus = limited ?? hostCpus

  const memory = stats.memory_stats
  const counters = (memory.stats ?? {}) as unknown as Record<string, number | undefined>
  // The page cache the kernel can reclaim does not count: total_inactive_file on cgroup v1, inactive_file on
  // v2 (what docker stats subtracts since 20.10; the older `cache` also held active pages it cannot drop).
  const reclaimable = counters.total_inactive_file ?? counters.inactive_file ?? 0
  const usage = memory.usage ?? 0
  const memoryBytes = reclaimable < usage ? usage - reclaimable : usage
  const memoryLimitBytes = memory.limit ?? 0
  return {
    cpuPercent: (busyCpus / cpus) * 100,
    cpus,
    cpuLimited: limited !== undefined,
    memoryBytes,
    memoryLimitBytes,
    memoryLimited: (limits.Memory ?? 0) > 0,
    memoryPercent: memoryLimitBytes > 0 ? (memoryBytes / memoryLimitBytes) * 100 : 0,
  }
}

function isNotFound(error: unknown): boolean {
  return (error as {statusCode?: number}).statusCode === 404
}

export async function connectEngine(endpoint: EngineEndpoint): Promise<DeployEngine> {
  const docker = await dockerodeFor(endpoint)
  const unreachable = (error: unknown) =>
    new PrerequisiteError(`The Docker engine ${endpoint.url} is unreachable: ${(error as Error).message}`, [
      'Check that the engine runs and the endpoint in the environment configuration is right',
      'For the local test engine: sudo bash scripts/provision/docker.sh',
    ], error)
  return {
    url: endpoint.url,
    address: engineAddress(endpoint.url),
    async ping() {
      try {
        await Promise.race([docker.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref())])
      } catch (error) {
        throw unreachable(error)
      }
    },
    async imageId(reference) {
      try {
        return (await docker.getImage(reference).inspect()).Id
      } catch (error) {
        if (isNotFound(error)) return undefined
        throw error
      }
    },
    async start(spec) {
      const container = await docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Cmd: spec.cmd,
        Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
        Labels: spec.labels,
        StopTimeout: spec.stopTimeoutSeconds,
        HostConfig: {NetworkMode: 'host', RestartPolicy: {Name: 'unless-stopped'}},
      })
      await container.start()
      return container.id
    },
    async stop(id, timeoutSeconds) {
      try {
        await docker.getContainer(id).stop({t: timeoutSeconds})
      } catch (error) {
        // 304: already stopped; 404: already gone. Both are the state a stop wants.
        const status = (error as {statusCode?: number}).statusCode
        if (status !== 304 && status !== 404) throw error
      }
    },
    async remove(id) {
      try {
        await docker.getContainer(id).remove({force: true})
      } catch (error) {
        if (!isNotFound(error)) throw error
      }
    },
    async list(labels) {
      const filters = {label: Object.entries(labels).map(([key, value]) => `${key}=${value}`)}
      const containers = await docker.listContainers({all: true, filters})
      return containers.map((c) => ({
        id: c.Id,
        name: (c.Names[0] ?? '').replace(/^\//, ''),
        imageId: c.ImageID,
        running: c.State === 'running',
        labels: c.Labels,
      }))
    },
    async runToCompletion(spec) {
      let output = ''
      const sink = new Writable({
        write(chunk, _encoding, done) {
          output += String(chunk)
          done()
        },
      })
      const [result, container] = (await docker.run(spec.image, spec.cmd, sink, {
        Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
        Labels: spec.labels,
        Tty: true,
        HostConfig: {NetworkMode: 'host', AutoRemove: false},
      })) as [{StatusCode: number}, Dockerode.Container]
      await container.remove({force: true}).catch(() => {})
      return {exitCode: result.StatusCode, output}
    },
    async images() {
      const images = await docker.listImages()
      return images.map((image) => ({id: image.Id, tags: image.RepoTags ?? []}))
    },
    async removeImage(id) {
      try {
        await docker.getImage(id).remove()
      } catch (error) {
        if (!isNotFound(error)) throw error
      }
    },
    async inspectState(id, signal) {
      let info: Dockerode.ContainerInspectInfo
      try {
        info = await docker.getContainer(id).inspect({abortSignal: signal})
      } catch (error) {
        if (isNotFound(error)) return undefined
        throw error
      }
      const health = info.State.Health
      const lastOutput = health?.Log?.at(-1)?.Output.trim()
      const running = info.State.Status === 'running'
      return {
        status: info.State.Status,
        running,
        health: health && HEALTH_STATES.includes(health.Status) ? (health.Status as ContainerHealth) : 'none',
        ...(lastOutput ? {healthOutput: lastOutput} : {}),
        restartCount: info.RestartCount,
        ...(running ? {} : {exitCode: info.State.ExitCode}),
        oomKilled: info.State.OOMKilled,
      }
    },
    async usage(id, signal) {
      const container = docker.getContainer(id)
      // Not `one-shot`: it answers without precpu_stats, and a CPU rate needs two samples; on Docker 20.10 it
      // still waits for the collector's next tick (measured: 1.0 s against 1.0–2.0 s without it), saving little.
      const [info, stats] = await Promise.all([
        container.inspect({abortSignal: signal}),
        container.stats({stream: false, abortSignal: signal} as {stream: false}),
      ])
      return usageOf(stats, info.HostConfig)
    },
  }
}
