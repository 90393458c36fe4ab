// The Docker engines an environment deploys to (dockerode, imported lazily): unix socket, tcp with TLS, or
// ssh. Only what deploys and rollbacks need: image ids, long-running service containers with host
// networking, graceful stops, one-off migration containers, and image cleanup.
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
  }
}
