// The container runner: one container per run from the tools image, the repository mounted read-only at
// the same absolute path as on the host (so tools print the same paths as the local runner), no network,
// the caller's uid; each tool is one exec into it, so the container's start-up is paid once.
import {randomBytes} from 'node:crypto'
import {chown, mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {createDockerAdapter, isEngineUnreachable, type DockerAdapter} from '../adapters/docker.js'
import {CicdError, ExitCode, PrerequisiteError} from '../errors.js'
import type {CleanupStack} from '../lifecycle/cleanup.js'
import type {ToolOutput} from '../checks/types.js'
import type {ResolvedTool, RunRequest, Runner} from './types.js'
import {pythonInterpreterOf, withoutCyclicGc} from './python-launch.js'

export interface ContainerRunnerOptions {
  /** The repository root, absolute; mounted read-only at the same path. */
  root: string
  image: string
  cleanup: CleanupStack
  docker?: DockerAdapter
  /** The user tools run as; defaults to the caller's, so nothing is written as root. */
  uid?: number
  gid?: number
  /** Linters need no network; 'host' is for phases that talk to services on loopback. */
  network?: 'none' | 'host'
  /**
   * How long the container may live, in seconds. Its main process is `sleep` for this long and the
   * engine removes it when that ends, so even a cicd killed with SIGKILL leaves nothing forever.
   */
  lifetimeSeconds?: number
  /**
   * The tools the run will ask for: found with one exec as soon as the container runs, rather than one exec
   * each when first asked (the engine handles execs one after another).
   */
  tools?: readonly string[]
}

/** The container runner also says which container it holds (for messages, and for tests that look for it). */
export interface ContainerRunner extends Runner {
  readonly kind: 'container'
  /** The value of the cicd.run label on the run's container. */
  readonly runId: string
  readonly containerId: string
}

export const RUN_LABEL = 'cicd.run'
export const PID_LABEL = 'cicd.pid'
export const HOST_LABEL = 'cicd.host'
/** The run's output directory on the host, so that whoever removes an orphaned container removes it too. */
export const OUTPUT_LABEL = 'cicd.output'

const DEFAULT_LIFETIME_SECONDS = 2 * 60 * 60

export async function createContainerRunner(options: ContainerRunnerOptions): Promise<ContainerRunner> {
  const docker = options.docker ?? createDockerAdapter()
  const {image, root} = options
  await docker.ping()
  const imageId = await docker.imageId(image)
  if (!imageId) throw imageMissing(image, docker.host)
  await removeOrphans(docker)

  const runId = randomBytes(6).toString('hex')
  const name = `cicd-run-${runId}`
  const uid = options.uid ?? process.getuid?.() ?? 0
  const gid = options.gid ?? process.getgid?.() ?? 0
  const user = `${uid}:${gid}`
  // Tools that write report files write them here: mounted writable at the same path, so cicd reads
  // them where the tool wrote them.
  const outputRoot = await mkdtemp(path.join(os.tmpdir(), `cicd-run-${runId}-`))
  // Another uid than ours (only root may ask for one) must own what it writes into.
  const giveToRunUser = async (dir: string): Promise<string> => {
    if (uid !== process.getuid?.() || gid !== process.getgid?.()) await chown(dir, uid, gid)
    return dir
  }
  await giveToRunUser(outputRoot).catch(async (error: unknown) => {
    await rm(outputRoot, {recursive: true, force: true})
    throw error
  })
  const creationStarted = performance.now()
  const creating = docker.runContainer({
    name,
    // By id: the tag may move while this run uses the image, and identify() vouches for this content.
    image: imageId,
    cmd: ['sleep', String(options.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS)],
    user,
    workingDir: root,
    // Tools write their caches under HOME, and the caller's uid may have no home in the image.
    env: {HOME: '/tmp'},
    labels: {[RUN_LABEL]: runId, [PID_LABEL]: String(process.pid), [HOST_LABEL]: os.hostname(), [OUTPUT_LABEL]: outputRoot},
    mounts: [
      {source: root, target: root, readOnly: true},
      {source: outputRoot, target: outputRoot, readOnly: false},
    ],
    networkMode: options.network ?? 'none',
    autoRemove: true,
  })
  // Registered before the engine answers: an interrupt during the (slow, on vfs) creation must still
  // remove the container, so the cleanup waits for the creation to settle and removes it by name.
  const release = options.cleanup.add(`tools container ${name}`, async () => {
    try {
      await creating.catch(() => undefined)
      // Killing returns at once and the engine removes the container (autoRemove): at the end of a run
      // or on Ctrl-C nobody waits for the storage driver to delete its files.
      await docker.killContainer(name)
    } finally {
      await rm(outputRoot, {recursive: true, force: true})
    }
  })
  let containerId: string
  let startMs: number
  try {
    containerId = await creating
    startMs = Math.round(performance.now() - creationStarted)
  } catch (error) {
    await release()
    if (/no such image/i.test(String((error as Error)?.message))) throw imageMissing(image, docker.host)
    throw error
  }

  let disposed = false
  const resolved = new Map<string, Promise<ResolvedTool>>()

  /** An exec that failed: the run is ending, the engine went away, or the container did. */
  const execFailure = async (tool: string, error: unknown): Promise<Error> => {
    if (disposed) return new CicdError(`${tool} was stopped: the run is ending.`, {exitCode: ExitCode.checkFailed, cause: error})
    if (isEngineUnreachable(error) || !(await docker.reachable(2000))) {
      return new PrerequisiteError(`The Docker engine at ${docker.host} stopped answering while ${tool} ran.`, [
        'Start Docker again and re-run, or run the tools locally: cicd check --runner local',
      ], error)
    }
    if ((await docker.listContainers({[RUN_LABEL]: runId})).length === 0) {
      return new PrerequisiteError(`The tools container ${name} disappeared while ${tool} ran.`, [
        'Something outside cicd removed it (docker rm, docker system prune, an engine restart); run again',
      ], error)
    }
    return error instanceof Error ? error : new Error(String(error))
  }

  const exec = async (tool: string, argv: string[], request: Omit<RunRequest, 'argv'>): Promise<ToolOutput> => {
    let result
    try {
      result = await docker.exec(containerId, {argv, workingDir: request.cwd, env: request.env, user})
    } catch (error) {
      throw await execFailure(tool, error)
    }
    if (result.exitCode === undefined) throw await execFailure(tool, new Error('the engine reported no exit code'))
    return {stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode, durationMs: result.durationMs}
  }

  const notInImage = (tool: string) =>
    new PrerequisiteError(`${tool} is not installed in the tools image ${image}.`, [
      `Build an image that has it: cicd tools build (or pass --tools-image IMAGE)`,
      `or run the tools locally: cicd check --runner local`,
      `or leave this check out: cicd check --skip ${tool}`,
    ])

  // For each tool: its executable's path, then its first line (a Python script's interpreter), each on a
  // line of its own, both empty when the tool is not there.
  const locate = async (tools: readonly string[]): Promise<Map<string, ResolvedTool | undefined>> => {
    const script = 'for t do p=$(command -v -- "$t") || p=; printf "%s\\n" "$p"; case $p in /*) head -c 256 -- "$p" 2>/dev/null | head -n 1 | tr -d "\\n";; esac; printf "\\n"; done'
    const found = await exec(tools.join(', '), ['sh', '-c', script, 'sh', ...tools], {cwd: root})
    const lines = found.stdout.split('\n')
    return new Map(tools.map((tool, index) => {
      const [toolPath = '', firstLine = ''] = lines.slice(2 * index, 2 * index + 2)
      return [tool, toolPath.startsWith('/') ? {name: tool, path: toolPath, python: pythonInterpreterOf(firstLine)} : undefined]
    }))
  }
  // Started now, not awaited: a failure here only means each tool is looked up again when asked for.
  const located = options.tools?.length ? locate(options.tools).catch(() => undefined) : undefined

  const resolveTool = async (tool: string): Promise<ResolvedTool> => {
    const batch = options.tools?.includes(tool) ? await located : undefined
    const found = batch ? batch.get(tool) : (await locate([tool])).get(tool)
    if (!found) throw notInImage(tool)
    return found
  }

  const resolve = (tool: string): Promise<ResolvedTool> => {
    let pending = resolved.get(tool)
    if (!pending) {
      pending = resolveTool(tool)
      resolved.set(tool, pending)
    }
    return pending
  }

  return {
    kind: 'container',
    runId,
    containerId,
    description: `container ${image} (${containerId.slice(0, 12)})`,
    startMs,
    resolve,
    async run(request: RunRequest): Promise<ToolOutput> {
      const [tool, ...args] = request.argv
      const resolvedTool = await resolve(tool)
      const command = request.withoutCyclicGc && resolvedTool.python ? withoutCyclicGc(resolvedTool.python, resolvedTool.path, args) : [resolvedTool.path, ...args]
      // The engine cannot kill an exec, so a time limit is enforced inside the container by coreutils'
      // timeout, which exits 124 like the local runner does on a timeout.
      const argv = request.timeoutMs ? ['timeout', '-k', '2', `${Math.ceil(request.timeoutMs / 1000)}s`, ...command] : command
      const output = await exec(tool, argv, request)
      if (request.timeoutMs && output.exitCode === 124 && output.durationMs >= request.timeoutMs) {
        return {...output, stderr: `${output.stderr}\ntimed out after ${request.timeoutMs} ms`}
      }
      return output
    },
    // An image id names its content, so a tool's path in it names one executable for good.
    identify: async (tool) => `container:${imageId}:${(await resolve(tool)).path}`,
    outputDir: async (label) => giveToRunUser(await mkdtemp(path.join(outputRoot, `${label.replaceAll(/[^\w.-]/g, '_')}-`))),
    async dispose() {
      disposed = true
      await release()
    },
  }
}

/** Whether the container runner can run here (for `--runner auto`), and if not, why, in a few words. */
export async function probeContainerRunner(
  image: string,
  docker: DockerAdapter = createDockerAdapter(),
): Promise<{available: true} | {available: false; reason: string}> {
  if (!(await docker.reachable(1500))) return {available: false, reason: `no Docker engine answers at ${docker.host}`}
  if (!(await docker.imageExists(image))) return {available: false, reason: `the tools image ${image} is not built`}
  return {available: true}
}

function imageMissing(image: string, host: string): PrerequisiteError {
  return new PrerequisiteError(`The tools image ${image} is not in the Docker engine at ${host}.`, [
    'Build it: cicd tools build' + (image === 'cicd-tools:local' ? '' : ` --tag ${image}`),
    'or name an image that exists: --tools-image IMAGE (or tools.image in the configuration)',
    'or run the tools locally: cicd check --runner local',
  ])
}

/**
 * Removes containers (and their output directories) left by a cicd on this machine that no longer runs
 * (killed with SIGKILL, or a machine crash): their lifetime bound would remove them eventually, this does
 * it now.
 */
async function removeOrphans(docker: DockerAdapter): Promise<void> {
  const mine = await docker.listContainers({[RUN_LABEL]: undefined, [HOST_LABEL]: os.hostname()})
  const orphans = mine.filter((container) => !isAlive(Number(container.labels[PID_LABEL])))
  await Promise.all(
    orphans.map(async (container) => {
      await docker.killContainer(container.id)
      const output = container.labels[OUTPUT_LABEL]
      // Only a directory this runner could have made: a label is not a licence to delete anything.
      if (output && path.dirname(output) === os.tmpdir() && /^cicd-run-[0-9a-f]{12}-/.test(path.basename(output))) {
        await rm(output, {recursive: true, force: true})
      }
    }),
  )
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
