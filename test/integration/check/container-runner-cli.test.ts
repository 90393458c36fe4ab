// `cicd check --runner container` through the CLI on the real engine: the same findings as the local
// runner, nothing left behind on Ctrl-C or SIGTERM, and clear exits when the engine or image is missing.
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {DockerAdapter} from '../../../src/adapters/docker.js'
import {PID_LABEL} from '../../../src/runners/container.js'
import {runCli, startCli} from '../../helpers/cli.js'
import {requireDockerEngine, startEngineProxy, TEST_TOOLS_IMAGE, testDockerHost} from '../../helpers/docker.js'
import {createTempRepo, EXAMPLE_PLATFORM, type TempRepo} from '../../helpers/repo.js'

interface CheckJson {
  id: string
  status: string
  findings: unknown[]
}

const env = () => ({DOCKER_HOST: testDockerHost()})

interface RunJson {
  durationMs: number
  runnerStartMs?: number
  phases: {checks: CheckJson[]}[]
}

async function run(repo: TempRepo, runner: 'local' | 'container'): Promise<RunJson> {
  const result = await runCli(['check', '--cwd', repo.dir, '--runner', runner, '--tools-image', TEST_TOOLS_IMAGE, '--skip', 'safety', '--json'], {env: env()})
  expect([0, 1], result.stderr).toContain(result.exitCode)
  return JSON.parse(result.stdout) as RunJson
}

const checksOf = (result: RunJson) => new Map(result.phases.flatMap((p) => p.checks).map((c) => [c.id, c]))

async function containersOf(docker: DockerAdapter, pid: number | undefined, waitMs: number) {
  const deadline = Date.now() + waitMs
  for (;;) {
    const found = await docker.listContainers({[PID_LABEL]: String(pid)})
    if (found.length === 0 || Date.now() > deadline) return found
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

async function waitForContainer(docker: DockerAdapter, pid: number | undefined, waitMs = 60_000) {
  const deadline = Date.now() + waitMs
  while (Date.now() < deadline) {
    if ((await docker.listContainers({[PID_LABEL]: String(pid)})).length > 0) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`no container appeared for pid ${pid}`)
}

describe('cicd check --runner container', () => {
  let docker: DockerAdapter
  let repo: TempRepo
  let scratch: string

  beforeAll(async () => {
    docker = await requireDockerEngine()
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cicd-container-cli-'))
    repo = await createTempRepo({from: EXAMPLE_PLATFORM})
    await repo.write('src/problems.py', 'import os\nimport subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n\n\ndef   f( a ):\n    return a\n')
    await repo.commitAll('problems')
  })

  afterAll(async () => {
    await repo?.remove()
    await rm(scratch, {recursive: true, force: true})
  })

  it('reports the same findings as the local runner', async () => {
    const [localRun, containerRun] = [await run(repo, 'local'), await run(repo, 'container')]
    const [local, container] = [checksOf(localRun), checksOf(containerRun)]
    // The engine's creation of the run's container is reported apart (the benchmark subtracts it).
    expect(localRun.runnerStartMs).toBeUndefined()
    expect(containerRun.runnerStartMs).toBeGreaterThan(0)
    expect(containerRun.runnerStartMs).toBeLessThan(containerRun.durationMs)
    for (const id of ['flake8', 'pylint', 'black', 'isort', 'bandit']) {
      expect(container.get(id)!.status, id).toBe(local.get(id)!.status)
      expect(container.get(id)!.findings, id).toEqual(local.get(id)!.findings)
    }
    expect(local.get('flake8')!.findings.length).toBeGreaterThan(0)
  })

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} mid-run exits ${code} and leaves no container`, async () => {
      const child = startCli(['check', '--cwd', repo.dir, '--runner', 'container', '--tools-image', TEST_TOOLS_IMAGE, '--skip', 'safety'], {env: env()})
      await waitForContainer(docker, child.pid)
      child.kill(signal)
      const result = await child
      expect(result.exitCode).toBe(code)
      expect(String(result.stderr)).toMatch(/cleaned up/)
      expect(await containersOf(docker, child.pid, 60_000)).toEqual([])
    })
  }

  it('the engine going away mid-run: exit 3 saying so, no container left', async () => {
    const proxy = await startEngineProxy(scratch)
    const child = startCli(['check', '--cwd', repo.dir, '--runner', 'container', '--tools-image', TEST_TOOLS_IMAGE, '--skip', 'safety'], {
      env: {DOCKER_HOST: proxy.host},
    })
    await waitForContainer(docker, child.pid)
    await proxy.cut()
    const result = await child
    expect(result.exitCode, String(result.stderr)).toBe(3)
    expect(String(result.stderr)).toMatch(/Docker engine/i)
    expect(String(result.stderr)).not.toMatch(/\n\s+at .+:\d+:\d+/)
    // The container outlives the lost connection only until its own time bound or the orphan sweep;
    // cicd could not reach the engine to remove it, so remove it here and say nothing was kept running.
    for (const left of await docker.listContainers({[PID_LABEL]: String(child.pid)})) await docker.removeContainer(left.id)
  })

  it('a tools image that is not there: exit 3 with how to build it', async () => {
    const result = await runCli(['check', '--cwd', repo.dir, '--runner', 'container', '--tools-image', 'cicd-test/no-such-image:1'], {env: env()})
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toMatch(/no-such-image/)
    expect(result.stderr).toMatch(/cicd tools build/)
  })

  it('an engine that does not answer: exit 3 with the fix', async () => {
    const result = await runCli(['check', '--cwd', repo.dir, '--runner', 'container'], {env: {DOCKER_HOST: `unix://${scratch}/no-engine.sock`}})
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toMatch(/does not answer/)
    expect(result.stderr).toMatch(/--runner local/)
  })
})
