// The container runner against the real test engine: same output as the local tools, the caller's uid, a
// read-only repository, no network, and no container left behind by dispose, a signal, a SIGKILL, or an
// engine that goes away.
import {execa} from 'execa'
import {chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createDockerAdapter, type DockerAdapter} from '../../src/adapters/docker.js'
import {PrerequisiteError} from '../../src/errors.js'
import {CleanupStack} from '../../src/lifecycle/cleanup.js'
import {createContainerRunner, PID_LABEL, type ContainerRunner} from '../../src/runners/container.js'
import {REPO_ROOT} from '../helpers/cli.js'
import {requireDockerEngine, runContainers, runContainersAfterRemoval, startEngineProxy, TEST_TOOLS_IMAGE, testDockerHost} from '../helpers/docker.js'

const SOURCES: Record<string, string> = {
  'pkg/__init__.py': '',
  'pkg/clean.py': 'def add(a, b):\n    return a + b\n',
  'pkg/messy.py': 'import os\nimport sys\n\n\ndef f( x ):\n    y=1\n    return x\n',
  // A directory with a space and a non-ASCII name: the mount and the tool's paths must survive both.
  'dir with space/modülé.py': 'value = 1 \n',
}

let workDir: string
/** The repository: its path has a space and a non-ASCII character too. */
let root: string
let docker: DockerAdapter
let runner: ContainerRunner
const cleanup = new CleanupStack()
const timings: Record<string, number> = {}

beforeAll(async () => {
  docker = await requireDockerEngine()
  workDir = await mkdtemp(path.join(os.tmpdir(), 'cicd-container-runner-'))
  root = path.join(workDir, 'répo with space')
  for (const [file, content] of Object.entries(SOURCES)) {
    await mkdir(path.dirname(path.join(root, file)), {recursive: true})
    await writeFile(path.join(root, file), content)
  }
  // Another uid must be able to read the repository (mkdtemp makes the parent 0700).
  await chmod(workDir, 0o755)
  const started = performance.now()
  runner = await createContainerRunner({root, image: TEST_TOOLS_IMAGE, cleanup, docker})
  timings.containerCreationMs = performance.now() - started
})

afterAll(async () => {
  await cleanup.runAll()
  if (workDir) await rm(workDir, {recursive: true, force: true})
  if (Object.keys(timings).length > 0) console.info('container runner timings (ms):', JSON.stringify(timings))
})

describe('the container runner', () => {
  it('runs tools inside the image with the same output as the local tools', async () => {
    const inside = await runner.run({argv: ['flake8', '--version'], cwd: root})
    const local = await execa('/usr/bin/flake8', ['--version'], {cwd: root, reject: false})
    expect(inside.exitCode).toBe(0)
    expect(inside.stdout.trim()).toBe(local.stdout.trim())
    expect(await runner.resolve('flake8')).toEqual({name: 'flake8', path: '/usr/bin/flake8', python: {program: '/usr/bin/python3', args: []}})
    expect(runner.description).toContain(TEST_TOOLS_IMAGE)
    expect(await runner.identify('flake8')).toBe(`container:${await docker.imageId(TEST_TOOLS_IMAGE)}:/usr/bin/flake8`)
  })

  it('reports the same flake8 findings, paths included, as flake8 on the host', async () => {
    const files = Object.keys(SOURCES).map((file) => path.join(root, file))
    const inside = await runner.run({argv: ['flake8', ...files], cwd: root})
    const local = await execa('/usr/bin/flake8', files, {cwd: root, reject: false})
    expect(inside.exitCode).toBe(1)
    expect(inside.stdout).toContain(`${path.join(root, 'dir with space/modülé.py')}:1:10: W291`)
    expect(inside.stdout).toBe(local.stdout + '\n')
    expect(inside.stderr).toBe(local.stderr)

    const relative = await runner.run({argv: ['flake8', 'pkg'], cwd: root})
    const localRelative = await execa('/usr/bin/flake8', ['pkg'], {cwd: root, reject: false})
    expect(relative.stdout).toBe(localRelative.stdout + '\n')
    expect(relative.stdout.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(4)
  })

  it('runs pylint with the cyclic collector off, time limit and all, with the output of a direct run', async () => {
    const files = Object.keys(SOURCES).map((file) => path.join(root, file))
    const argv = ['pylint', '--persistent=n', '--score=y', ...files]
    const direct = await runner.run({argv, cwd: root})
    const launched = await runner.run({argv, cwd: root, withoutCyclicGc: true, timeoutMs: 120_000})
    expect(direct.stdout).toContain('W0611')
    expect(launched).toMatchObject({stdout: direct.stdout, stderr: direct.stderr, exitCode: direct.exitCode})
    // Not a Python script: run as it is.
    expect(await runner.run({argv: ['sh', '-c', 'echo plain'], cwd: root, withoutCyclicGc: true})).toMatchObject({stdout: 'plain\n', exitCode: 0})
  })

  it('gives each invocation an output directory the tool writes and cicd reads at the same path', async () => {
    const dir = await runner.outputDir('bandit-0')
    const output = await runner.run({argv: ['sh', '-c', 'echo \'{"results": []}\' > "$1/report.json"', 'sh', dir], cwd: root})
    expect(output.exitCode).toBe(0)
    expect(await readFile(path.join(dir, 'report.json'), 'utf8')).toBe('{"results": []}\n')
    expect(await runner.outputDir('bandit-0')).not.toBe(dir)
  })

  it('keeps stdout and stderr apart and returns the exit code', async () => {
    const output = await runner.run({argv: ['sh', '-c', 'echo out; echo err >&2; exit 7'], cwd: root})
    expect(output).toMatchObject({stdout: 'out\n', stderr: 'err\n', exitCode: 7})
  })

  it('runs as the caller and cannot write to the repository', async () => {
    const who = await runner.run({argv: ['id', '-u'], cwd: root})
    expect(who.stdout.trim()).toBe(String(process.getuid!()))
    const write = await runner.run({argv: ['touch', path.join(root, 'pkg/written.py')], cwd: root})
    expect(write.exitCode).not.toBe(0)
    expect(write.stderr).toMatch(/Read-only file system/)
  })

  it('has no network: only loopback, and the host’s loopback services are out of reach', async () => {
    const server = net.createServer((socket) => socket.end('hello'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as net.AddressInfo
    try {
      const interfaces = await runner.run({argv: ['ls', '/sys/class/net'], cwd: root})
      expect(interfaces.stdout.split(/\s+/).filter(Boolean)).toEqual(['lo'])
      const connect = `import socket; socket.create_connection(("127.0.0.1", ${port}), timeout=2)`
      const attempt = await runner.run({argv: ['python3', '-c', connect], cwd: root})
      expect(attempt.exitCode).not.toBe(0)
      expect(attempt.stderr).toMatch(/ConnectionRefusedError|timed out/)
    } finally {
      server.close()
    }
  })

  it('pays the container start-up once: an exec costs little next to creating the container', async () => {
    const durations: number[] = []
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now()
      const output = await runner.run({argv: ['/bin/true'], cwd: root})
      durations.push(performance.now() - started)
      expect(output.exitCode).toBe(0)
    }
    const local: number[] = []
    for (let i = 0; i < 3; i += 1) {
      const started = performance.now()
      await execa('/usr/bin/flake8', ['--version'])
      local.push(performance.now() - started)
    }
    const inside: number[] = []
    for (let i = 0; i < 3; i += 1) {
      const started = performance.now()
      await runner.run({argv: ['flake8', '--version'], cwd: root})
      inside.push(performance.now() - started)
    }
    timings.execOverheadMedianMs = median(durations)
    timings.flake8VersionLocalMedianMs = median(local)
    timings.flake8VersionContainerMedianMs = median(inside)
    expect(timings.execOverheadMedianMs).toBeLessThan(timings.containerCreationMs)
  })

  it('stops a tool that runs past its time limit, with exit code 124 as the local runner does', async () => {
    const output = await runner.run({argv: ['sleep', '30'], cwd: root, timeoutMs: 1000})
    expect(output.exitCode).toBe(124)
    expect(output.stderr).toMatch(/timed out after 1000 ms/)
    expect(output.durationMs).toBeLessThan(10_000)
  })

  it('says which image lacks a tool', async () => {
    const error = await runner.resolve('no-such-tool').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(PrerequisiteError)
    expect((error as PrerequisiteError).exitCode).toBe(3)
    expect((error as PrerequisiteError).message).toBe(`no-such-tool is not installed in the tools image ${TEST_TOOLS_IMAGE}.`)
  })
})

describe('the run container’s lifetime', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('leaves no container behind when the run receives %s mid-exec', async (signal) => {
    const child = startChild()
    const {runId} = await child.ready
    expect(await runContainers(docker, runId)).toHaveLength(1)
    child.process.kill(signal)
    const result = await child.process
    expect({exitCode: result.exitCode, signal: result.signal, stderr: result.stderr}).toEqual({
      exitCode: signal === 'SIGINT' ? 130 : 143,
      signal: undefined,
      stderr: '',
    })
    expect(await runContainersAfterRemoval(docker, runId)).toEqual([])
  })

  describe('after a run killed with SIGKILL, the next run', () => {
    const stack = new CleanupStack()
    let orphanRunId: string
    let orphanOutput: string
    let next: ContainerRunner
    let outputDir: string
    const execs: string[][] = []

    beforeAll(async () => {
      const child = startChild()
      ;({runId: orphanRunId, outputRoot: orphanOutput} = await child.ready)
      child.process.kill('SIGKILL')
      await child.process
      // Nothing could clean up: the container and its output directory outlive the run.
      expect(await runContainers(docker, orphanRunId)).toHaveLength(1)
      expect((await stat(orphanOutput)).isDirectory()).toBe(true)
      // Told which tools the run needs; its execs are counted.
      const counting: DockerAdapter = {...docker, exec: (id, request) => (execs.push(request.argv), docker.exec(id, request))}
      next = await createContainerRunner({root, image: TEST_TOOLS_IMAGE, cleanup: stack, docker: counting, uid: 4321, gid: 4322, tools: ['flake8', 'pylint', 'no-such-tool']})
    })
    afterAll(() => stack.runAll())

    it('removes the container and the output directory the killed run left', async () => {
      expect(await runContainersAfterRemoval(docker, orphanRunId)).toEqual([])
      await expect(stat(orphanOutput)).rejects.toThrow(/ENOENT/)
      expect(await runContainers(docker, next.runId)).toHaveLength(1)
    })

    it('finds the tools it was told about with one exec, and another tool with one more', async () => {
      const [flake8, pylint, missing] = await Promise.all(['flake8', 'pylint', 'no-such-tool'].map((tool) => next.resolve(tool).catch((error: unknown) => error)))
      expect(flake8).toEqual({name: 'flake8', path: '/usr/bin/flake8', python: {program: '/usr/bin/python3', args: []}})
      expect(pylint).toEqual({name: 'pylint', path: '/usr/bin/pylint', python: {program: '/usr/bin/python3', args: []}})
      expect(missing).toBeInstanceOf(PrerequisiteError)
      expect(execs).toHaveLength(1)
      expect(await next.resolve('sh')).toMatchObject({path: expect.stringMatching(/\/sh$/), python: undefined})
      expect(execs).toHaveLength(2)
    })

    it('runs tools as the given uid and gid, with a writable HOME for their caches', async () => {
      const written = await next.run({argv: ['sh', '-c', 'touch /tmp/cicd-owned && stat -c %u:%g /tmp/cicd-owned && echo "$HOME"'], cwd: root})
      expect(written.stdout).toBe('4321:4322\n/tmp\n')
      outputDir = await next.outputDir('report')
      const report = await next.run({argv: ['touch', path.join(outputDir, 'report.json')], cwd: root})
      expect(report.exitCode).toBe(0)
      expect((await stat(path.join(outputDir, 'report.json'))).uid).toBe(4321)
      // pylint writes its cache under HOME, for a uid the image has no account for.
      const pylint = await next.run({argv: ['pylint', '--disable=all', '--enable=unused-import', 'pkg'], cwd: root})
      expect(pylint.stdout).toMatch(/pkg[/]messy\.py:1:0: W0611: Unused import os/)
    })

    it('is removed by dispose with its output directories, and dispose may be called twice', async () => {
      await next.dispose()
      expect(await runContainersAfterRemoval(docker, next.runId)).toEqual([])
      await expect(stat(outputDir)).rejects.toThrow(/ENOENT/)
      expect(stack.size).toBe(0)
      await next.dispose()
    })
  })
})

describe('engine and image problems', () => {
  it('says the engine is unreachable and how to fix it (exit 3)', async () => {
    for (const host of [`unix://${path.join(os.tmpdir(), 'cicd-no-such-engine.sock')}`, 'tcp://127.0.0.1:1']) {
      const error = await createContainerRunner({root, image: TEST_TOOLS_IMAGE, cleanup, docker: createDockerAdapter({host})}).catch(
        (caught: unknown) => caught,
      )
      expect(error).toBeInstanceOf(PrerequisiteError)
      expect((error as PrerequisiteError).exitCode).toBe(3)
      expect((error as PrerequisiteError).message).toBe(`The Docker engine does not answer at ${host}.`)
      expect((error as PrerequisiteError).nextSteps[0]).toMatch(/^Start Docker, or set DOCKER_HOST/)
    }
  })

  it('says the tools image is missing and how to build it (exit 3), starting nothing', async () => {
    const mine = () => docker.listContainers({[PID_LABEL]: String(process.pid)})
    const before = await mine()
    const error = await createContainerRunner({root, image: 'cicd-test/no-such-image:never', cleanup, docker}).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(PrerequisiteError)
    expect((error as PrerequisiteError).exitCode).toBe(3)
    expect((error as PrerequisiteError).message).toMatch(/^The tools image cicd-test\/no-such-image:never is not in the Docker engine/)
    expect((error as PrerequisiteError).nextSteps.join('\n')).toMatch(/cicd tools build --tag cicd-test\/no-such-image:never/)
    expect((error as PrerequisiteError).nextSteps.join('\n')).toMatch(/--tools-image/)
    expect(await mine()).toEqual(before)
  })

  it('turns the engine going away mid-run into a prerequisite error (exit 3)', async () => {
    const proxy = await startEngineProxy(workDir)
    const stack = new CleanupStack()
    const viaProxy = await createContainerRunner({root, image: TEST_TOOLS_IMAGE, cleanup: stack, docker: createDockerAdapter({host: proxy.host})})
    const outputDir = await viaProxy.outputDir('report')
    try {
      const running = viaProxy.run({argv: ['sleep', '60'], cwd: root}).catch((caught: unknown) => caught)
      await new Promise((resolve) => setTimeout(resolve, 1500))
      await proxy.cut()
      const error = await running
      expect(error).toBeInstanceOf(PrerequisiteError)
      expect((error as PrerequisiteError).exitCode).toBe(3)
      expect((error as PrerequisiteError).message).toBe(`The Docker engine at ${proxy.host} stopped answering while sleep ran.`)
    } finally {
      const failures: string[] = []
      await stack.runAll((label) => failures.push(label))
      // Cleanup could not reach the engine either (its output directory is gone all the same); the engine
      // is still there for everyone else, so remove the container through it.
      expect(failures).toEqual([`tools container cicd-run-${viaProxy.runId}`])
      await docker.removeContainer(viaProxy.containerId)
    }
    expect(await runContainers(docker, viaProxy.runId)).toEqual([])
    await expect(stat(outputDir)).rejects.toThrow(/ENOENT/)
  })
})

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round(sorted[Math.floor(sorted.length / 2)])
}

/**
 * A separate process that holds a container runner the way `cicd check` does (a CleanupStack run on
 * SIGINT/SIGTERM), prints its run id, and then waits in a long exec.
 */
function startChild() {
  const script = `
    import path from 'node:path'
    import {CleanupStack} from ${JSON.stringify(path.join(REPO_ROOT, 'src/lifecycle/cleanup.ts'))}
    import {createContainerRunner} from ${JSON.stringify(path.join(REPO_ROOT, 'src/runners/container.ts'))}
    import {createDockerAdapter} from ${JSON.stringify(path.join(REPO_ROOT, 'src/adapters/docker.ts'))}
    const cleanup = new CleanupStack()
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
      process.on(signal, async () => {
        await cleanup.runAll()
        process.exit(code)
      })
    }
    const docker = createDockerAdapter({host: ${JSON.stringify(testDockerHost())}})
    const runner = await createContainerRunner({root: ${JSON.stringify(root)}, image: ${JSON.stringify(TEST_TOOLS_IMAGE)}, cleanup, docker})
    console.log(JSON.stringify({runId: runner.runId, outputRoot: path.dirname(await runner.outputDir('probe'))}))
    await runner.run({argv: ['sleep', '300'], cwd: ${JSON.stringify(root)}})
  `
  const child = execa('node', ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    reject: false,
    timeout: 120_000,
    // execa would follow our SIGTERM with a SIGKILL after 5 s: removing a container on vfs can take longer.
    forceKillAfterDelay: false,
  })
  const ready = new Promise<{runId: string; outputRoot: string}>((resolve, reject) => {
    let buffered = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const line = buffered.split('\n').find((candidate) => candidate.startsWith('{'))
      // The exec starts right after the line is printed; give it a moment to be running.
      if (line) setTimeout(() => resolve(JSON.parse(line) as {runId: string; outputRoot: string}), 1000)
    })
    child.then((result) => reject(new Error(`the child ended before it was ready: ${result.stderr}`)), reject)
  })
  return {process: child, ready}
}
