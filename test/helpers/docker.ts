// The Docker engine the integration tests run against (scripts/provision/docker.sh starts it). A test that
// needs it fails, never skips, when it does not answer.
import net from 'node:net'
import path from 'node:path'

import {createDockerAdapter, type ContainerSummary, type DockerAdapter} from '../../src/adapters/docker.js'
import {RUN_LABEL} from '../../src/runners/container.js'

export const TEST_DOCKER_HOST = 'unix:///run/cicd-test-docker.sock'
/** The Debian-built image with the Python tools, and the tools image built from it. */
export const TEST_BASE_IMAGE = 'cicd-test/python-tools:bookworm'
export const TEST_TOOLS_IMAGE = 'cicd-tools:local'

/** DOCKER_HOST as the tests use it: the caller's, else the provisioned test engine. */
export function testDockerHost(): string {
  return process.env.DOCKER_HOST ?? TEST_DOCKER_HOST
}

export async function requireDockerEngine(): Promise<DockerAdapter> {
  const docker = createDockerAdapter({host: testDockerHost()})
  if (!(await docker.reachable(3000))) {
    throw new Error(`No Docker engine answers at ${docker.host}: run scripts/provision/docker.sh (as root) first.`)
  }
  for (const image of [TEST_BASE_IMAGE, TEST_TOOLS_IMAGE]) {
    if (!(await docker.imageExists(image))) {
      throw new Error(`The test image ${image} is missing from ${docker.host}: run scripts/provision/docker.sh (as root).`)
    }
  }
  return docker
}

/** Containers a cicd run started (all of them, or one run's). */
export function runContainers(docker: DockerAdapter, runId?: string): Promise<ContainerSummary[]> {
  return docker.listContainers({[RUN_LABEL]: runId})
}

/**
 * A run's containers once the engine has finished removing them: a runner kills its container and the
 * engine removes it in the background, which takes seconds with vfs. Returns what is still there after
 * timeoutMs (an empty list when all is gone).
 */
export async function runContainersAfterRemoval(docker: DockerAdapter, runId: string, timeoutMs = 60_000): Promise<ContainerSummary[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const left = await runContainers(docker, runId)
    if (left.length === 0 || Date.now() > deadline) return left
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

export interface EngineProxy {
  /** DOCKER_HOST for clients that should go through the proxy. */
  host: string
  /** The engine "goes away" for those clients: every connection is dropped and new ones are refused. */
  cut(): Promise<void>
}

/**
 * A unix-socket proxy in front of the test engine, so a test can make the engine vanish for one client
 * without stopping the engine every other test uses.
 */
export async function startEngineProxy(dir: string): Promise<EngineProxy> {
  const target = new URL(testDockerHost()).pathname
  if (!testDockerHost().startsWith('unix://')) throw new Error('the engine proxy needs a unix:// DOCKER_HOST')
  const socketPath = path.join(dir, 'engine-proxy.sock')
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect(target)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {})
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(socketPath, resolve))
  return {
    host: `unix://${socketPath}`,
    async cut() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      await closed
    },
  }
}
