// The `docker` check against the real test engine: three containers of a namespace private to this file (a
// healthy service instance of the live release under CPU and memory limits, an exited one of an older release,
// and an unhealthy busy one), reused across the cases because creating a container takes seconds with vfs.
import {randomBytes} from 'node:crypto'
import os from 'node:os'
import path from 'node:path'

import type Dockerode from 'dockerode'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {connectEngine, type ContainerHealth, type DeployEngine} from '../../../src/adapters/deploy-engine.js'
import {dockerProbe} from '../../../src/verify/probes/docker.js'
import {checkSchema, type CheckOf} from '../../../src/verify/schema.js'
import type {ProbeContext} from '../../../src/verify/types.js'
import {REPO_ROOT} from '../../helpers/cli.js'
import {requireDockerEngine, TEST_BASE_IMAGE, testDockerHost} from '../../helpers/docker.js'

const namespace = `probe${randomBytes(4).toString('hex')}`
const environment = 'staging'
const MiB = 2 ** 20

function dockerCheck(fields: Record<string, unknown>): CheckOf<'docker'> {
  return checkSchema.parse({kind: 'docker', name: 'containers', ...fields}) as CheckOf<'docker'>
}

function context(engines: DeployEngine[], options: {liveRelease?: number; signal?: AbortSignal} = {}): ProbeContext {
  return {
    signal: options.signal ?? new AbortController().signal,
    environment,
    projectRoot: REPO_ROOT,
    variables: {},
    resolve: (value) => value,
    engines: async () => ({engines, namespace, ...(options.liveRelease === undefined ? {} : {liveRelease: options.liveRelease})}),
    memory: new Map(),
  }
}

async function waitForHealth(engine: DeployEngine, id: string, health: ContainerHealth): Promise<void> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const state = await engine.inspectState(id)
    if (state?.health === health) return
    if (Date.now() > deadline) throw new Error(`container ${id} did not become ${health} within 60 s (it is ${state?.health})`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

describe('the docker check', () => {
  let docker: Dockerode
  let engine: DeployEngine
  const serviceLabels = (release: number) => ({'cicd.namespace': namespace, 'cicd.environment': environment, 'cicd.service': 'web', 'cicd.release': String(release), 'cicd.instance': '0'})
  const unhealthyLabels = {'cicd.namespace': namespace, 'cicd.test': 'unhealthy'}
  const names = {web: `cicd-${namespace}-web-r7-0`, old: `cicd-${namespace}-web-r6-0`, unhealthy: `cicd-${namespace}-unhealthy`}

  async function create(name: string, labels: Record<string, string>, cmd: string[], hostConfig: Dockerode.HostConfig & {NanoCpus?: number}, healthcheck?: string[]) {
    const container = await docker.createContainer({
      name,
      Image: TEST_BASE_IMAGE,
      Cmd: cmd,
      Labels: labels,
      HostConfig: {NetworkMode: 'host', ...hostConfig},
      ...(healthcheck ? {Healthcheck: {Test: healthcheck, Interval: 1e9, Timeout: 5e9, Retries: 1}} : {}),
    })
    await container.start()
    return container
  }

  beforeAll(async () => {
    await requireDockerEngine()
    const {default: Docker} = await import('dockerode')
    docker = new Docker({socketPath: new URL(testDockerHost()).pathname})
    engine = await connectEngine({url: testDockerHost()})
    const [web, old, unhealthy] = await Promise.all([
      // The live release's instance: idle, holding about 40 MiB of its 64 MiB, limited to half a CPU.
      create(names.web, serviceLabels(7), ['python3', '-c', 'b = bytearray(40 * 2**20); import time; time.sleep(600)'], {Memory: 64 * MiB, NanoCpus: 5e8}, ['CMD', 'true']),
      // An instance of the previous release that has exited.
      create(names.old, serviceLabels(6), ['sh', '-c', 'exit 3'], {}),
      // Busy, so it uses all of its 0.2 CPU, and its health check always fails.
      create(names.unhealthy, unhealthyLabels, ['python3', '-c', 'while True: pass'], {NanoCpus: 2e8}, ['CMD', 'sh', '-c', 'echo database unreachable; exit 1']),
    ])
    await Promise.all([waitForHealth(engine, web.id, 'healthy'), old.wait(), waitForHealth(engine, unhealthy.id, 'unhealthy')])
  })

  afterAll(async () => {
    // Everything this file started carries its namespace, even a container whose start failed half-way.
    const left = engine ? await engine.list({'cicd.namespace': namespace}) : []
    await Promise.all(left.map((c) => engine.remove(c.id)))
  })

  it('passes when the live release of a service runs healthy under its limits, with the usage as evidence', async () => {
    const result = await dockerProbe(dockerCheck({service: 'web'}), context([engine], {liveRelease: 7}))

    expect(result.evidence).toMatch(/^1\/1 running, healthy; cpu \d+(\.\d)?% of its 0\.5 CPUs, memory \d+% of 64 MiB$/)
    expect(result.ok).toBe(true)
    expect(result.measurements?.memoryPercent).toBeGreaterThan(50)
    expect(result.measurements?.memoryPercent).toBeLessThan(90)
    expect(result.measurements?.cpuPercent).toBeLessThan(90)
    expect(result.details).toEqual([expect.stringMatching(new RegExp(`^${names.web} on ${testDockerHost()}: running, healthy, cpu .* memory \\d+ MiB of 64 MiB`))])
  })

  it('fails naming memory when a container uses more of its limit than allowed', async () => {
    const result = await dockerProbe(dockerCheck({service: 'web', maxMemoryPercent: 50}), context([engine], {liveRelease: 7}))

    expect(result.ok).toBe(false)
    expect(result.evidence).toMatch(/memory \d+% of 64 MiB, over the 50% threshold$/)
  })

  it('without a known live release counts every container of the service, naming the one that is not running', async () => {
    const lenient = await dockerProbe(dockerCheck({service: 'web'}), context([engine]))
    const strict = await dockerProbe(dockerCheck({service: 'web', minRunning: 2}), context([engine]))

    expect(lenient.ok).toBe(true)
    expect(lenient.evidence).toMatch(new RegExp(`^1/2 running: ${names.old} exited \\(3\\); healthy; cpu`))
    expect(strict.ok).toBe(false)
    expect(strict.evidence).toMatch(new RegExp(`^1/2 running \\(2 required\\): ${names.old} exited \\(3\\)`))
  })

  it('fails when the live release has no containers, naming the releases it found', async () => {
    const result = await dockerProbe(dockerCheck({service: 'web'}), context([engine], {liveRelease: 8}))

    expect(result.ok).toBe(false)
    expect(result.evidence).toBe('no container of web belongs to the live release #8 of staging (found releases #6, #7)')
  })

  it('fails on an unhealthy container, with what its health check said', async () => {
    const result = await dockerProbe(dockerCheck({labels: unhealthyLabels, maxCpuPercent: 1000}), context([engine]))

    expect(result.ok).toBe(false)
    expect(result.evidence).toMatch(new RegExp(`^1/1 running, unhealthy: ${names.unhealthy};`))
    expect(result.details).toEqual([expect.stringMatching(new RegExp(`^${names.unhealthy} on .*: running, unhealthy, .*; last health check said: database unreachable$`))])
  })

  it('measures CPU against the container limit and fails above the threshold', async () => {
    const result = await dockerProbe(dockerCheck({labels: unhealthyLabels, maxCpuPercent: 50}), context([engine]))

    expect(result.ok).toBe(false)
    // A loop held to 0.2 CPU uses all of its limit, which is a tenth of this 2-CPU host.
    expect(result.evidence).toMatch(/cpu \d+(\.\d)?% of its 0\.2 CPUs, over the 50% threshold, memory \d+(\.\d)?% of the host's [\d.]+ GiB$/)
    expect(result.measurements?.cpuPercent).toBeGreaterThan(50)
  })

  it('fails clearly when the environment has no such service', async () => {
    const result = await dockerProbe(dockerCheck({service: 'wbe'}), context([engine], {liveRelease: 7}))

    expect(result.ok).toBe(false)
    expect(result.evidence).toBe(`no service "wbe" in staging on ${testDockerHost()}: its containers run web`)
  })

  it('fails clearly when no container carries the labels', async () => {
    const labels = {'cicd.namespace': namespace, 'cicd.test': 'nothing'}
    const result = await dockerProbe(dockerCheck({labels}), context([engine]))

    expect(result.ok).toBe(false)
    expect(result.evidence).toBe(`no containers labelled cicd.namespace=${namespace}, cicd.test=nothing on ${testDockerHost()}`)
  })

  it('fails with the engine and the reason when an engine does not answer', async () => {
    const url = `unix://${path.join(os.tmpdir(), `no-engine-${namespace}`, 'docker.sock')}`
    const absent = await connectEngine({url})
    const result = await dockerProbe(dockerCheck({service: 'web'}), context([engine, absent], {liveRelease: 7}))

    expect(result.ok).toBe(false)
    expect(result.evidence).toMatch(new RegExp(`^the Docker engine ${url} does not answer \\(connect ENOENT .*\\): check that it runs and that the environment's engine URL is right$`))
  })

  it('refuses, in the configuration, a check that selects no containers at all', () => {
    for (const fields of [{}, {labels: {}}]) {
      const result = checkSchema.safeParse({kind: 'docker', name: 'containers', ...fields})
      expect(result.success).toBe(false)
      expect(result.error!.issues[0]).toMatchObject({path: ['service'], message: expect.stringContaining('needs a service of the environment or labels')})
    }
  })

  it('stops sampling as soon as its signal is aborted', async () => {
    const controller = new AbortController()
    // The abort arrives while the engine is sampling usage (the 1–2 s call).
    const aborting: DeployEngine = {
      ...engine,
      usage(id, signal) {
        const sampling = engine.usage(id, signal)
        controller.abort()
        return sampling
      },
    }
    const probe = dockerProbe(dockerCheck({service: 'web'}), context([aborting], {liveRelease: 7, signal: controller.signal}))

    await expect(probe).rejects.toMatchObject({name: 'AbortError'})
  })
})
