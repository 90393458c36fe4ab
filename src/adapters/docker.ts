// The Docker engine (dockerode), behind the few operations cicd needs: reach the engine, check an image,
// run one long-lived container, exec tools in it with separate stdout/stderr, build the tools image.
// Engine problems become PrerequisiteErrors that say how to fix them.
import {Writable} from 'node:stream'

import type Dockerode from 'dockerode'

import {PrerequisiteError} from '../errors.js'

export interface DockerAdapterOptions {
  /** unix:///path or tcp://host:port; defaults to DOCKER_HOST, then the engine's default socket. */
  host?: string
}

export interface ContainerSpec {
  name: string
  image: string
  cmd: string[]
  /** "uid:gid" */
  user: string
  workingDir: string
  env: Record<string, string>
  labels: Record<string, string>
  /** Bind mounts; the source and target are absolute paths. */
  mounts: {source: string; target: string; readOnly: boolean}[]
  networkMode: 'none' | 'host'
  /** The engine removes the container when its main process ends. */
  autoRemove: boolean
}

export interface ExecRequest {
  argv: string[]
  workingDir?: string
  env?: Record<string, string>
  /** "uid:gid"; defaults to the container's user. */
  user?: string
}

export interface ExecResult {
  stdout: string
  stderr: string
  /** The exit code, or undefined when the engine could not tell (the container went away). */
  exitCode: number | undefined
  durationMs: number
}

export interface ContainerSummary {
  id: string
  names: string[]
  image: string
  state: string
  labels: Record<string, string>
}

export interface BuildRequest {
  /** The directory sent as build context. */
  context: string
  /** The files of the context to send, relative to it. */
  files: string[]
  tag: string
  buildArgs: Record<string, string>
  /** Each line of the build's output, as it arrives. */
  onOutput?: (line: string) => void
}

export interface BuildResult {
  imageId: string | undefined
  durationMs: number
}

export interface DockerAdapter {
  /** Where the engine is expected, for messages: "unix:///run/docker.sock". */
  readonly host: string
  /** Resolves when the engine answers within timeoutMs; throws PrerequisiteError otherwise. */
  ping(timeoutMs?: number): Promise<void>
  /** Whether the engine answers at all (no error): for `--runner auto` and `cicd doctor`. */
  reachable(timeoutMs?: number): Promise<boolean>
  imageExists(reference: string): Promise<boolean>
  /** The image's content id (sha256:…), or undefined when the engine does not have it. */
  imageId(reference: string): Promise<string | undefined>
  /** Creates and starts a container; returns its id. */
  runContainer(spec: ContainerSpec): Promise<string>
  exec(containerId: string, request: ExecRequest): Promise<ExecResult>
  /** Force-removes a container and waits until it is gone; a container that is already gone is not an error. */
  removeContainer(idOrName: string): Promise<void>
  /**
   * Kills a container's main process and returns at once; a container started with autoRemove is then
   * removed by the engine in the background (on vfs that takes seconds nobody should wait for). A
   * container that is not running is removed instead; one that is already gone is not an error.
   */
  killContainer(idOrName: string): Promise<void>
  /** Containers (running or not) that carry every given label; a value of undefined matches any value. */
  listContainers(labels: Record<string, string | undefined>): Promise<ContainerSummary[]>
  /** Removes an image tag (and the image when nothing else uses it); a missing image is not an error. */
  removeImage(reference: string): Promise<void>
  /** Builds an image; throws BuildFailedError with the failing step and the end of that step's output. */
  buildImage(request: BuildRequest): Promise<BuildResult>
}

/** The build ran and one of its steps failed: `step` is "Step 5/6 : RUN …", `tail` the end of its output. */
export class BuildFailedError extends Error {
  constructor(
    message: string,
    readonly step: string | undefined,
    readonly tail: string[],
  ) {
    super(message)
    this.name = 'BuildFailedError'
  }
}

const UNREACHABLE_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])

/** True when the error says the engine could not be reached (as opposed to the engine refusing a request). */
export function isEngineUnreachable(error: unknown): boolean {
  const {code, syscall} = (error ?? {}) as NodeJS.ErrnoException
  // ENOENT is a missing socket only when connecting (a missing build-context file is not the engine's fault).
  if (code && UNREACHABLE_CODES.has(code) && (code !== 'ENOENT' || syscall === 'connect')) return true
  const name = (error as Error | undefined)?.name
  return name === 'AbortError' || name === 'TimeoutError' || /socket hang up/i.test(String((error as Error)?.message))
}

export function engineUnreachable(host: string, cause?: unknown): PrerequisiteError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code
  if (code === 'EACCES') {
    return new PrerequisiteError(`Permission denied on the Docker engine socket (${host}).`, [
      'Add your user to the docker group (then log in again), or set DOCKER_HOST to an engine you may use',
      'or run the tools locally: cicd check --runner local',
    ], cause)
  }
  return new PrerequisiteError(`The Docker engine does not answer at ${host}.`, [
    'Start Docker, or set DOCKER_HOST to the engine to use (unix:///path/to/docker.sock or tcp://host:port)',
    'or run the tools locally: cicd check --runner local',
  ], cause)
}

export function createDockerAdapter(options: DockerAdapterOptions = {}): DockerAdapter {
  const host = options.host ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'
  let client: Promise<Dockerode> | undefined
  const docker = (): Promise<Dockerode> => (client ??= connect(options.host))

  /** Runs an engine call; an unreachable engine becomes the PrerequisiteError that says how to fix it. */
  const call = async <T>(operation: (engine: Dockerode) => Promise<T>): Promise<T> => {
    const engine = await docker()
    try {
      return await operation(engine)
    } catch (error) {
      const {code, syscall} = (error ?? {}) as NodeJS.ErrnoException
      if (isEngineUnreachable(error) || (code === 'EACCES' && syscall === 'connect')) throw engineUnreachable(host, error)
      throw error
    }
  }

  const ping = (timeoutMs = 3000): Promise<void> =>
    call(async (engine) => {
      // dockerode accepts an abort signal here although its type declarations omit the options.
      const pingWithOptions = engine.ping as unknown as (this: Dockerode, options: {abortSignal: AbortSignal}) => Promise<unknown>
      await pingWithOptions.call(engine, {abortSignal: AbortSignal.timeout(timeoutMs)})
    })

  const imageId = (reference: string): Promise<string | undefined> =>
    call(async (engine) => {
      try {
        return (await engine.getImage(reference).inspect()).Id
      } catch (error) {
        if (statusOf(error) === 404) return undefined
        throw error
      }
    })

  return {
    host,
    ping,
    async reachable(timeoutMs) {
      try {
        await ping(timeoutMs)
        return true
      } catch {
        return false
      }
    },

    imageId,
    imageExists: async (reference) => (await imageId(reference)) !== undefined,

    runContainer: (spec) =>
      call(async (engine) => {
        const container = await engine.createContainer({
          name: spec.name,
          Image: spec.image,
          Cmd: spec.cmd,
          User: spec.user,
          WorkingDir: spec.workingDir,
          Env: toEnvList(spec.env),
          Labels: spec.labels,
          AttachStdin: false,
          AttachStdout: false,
          AttachStderr: false,
          Tty: false,
          HostConfig: {
            // Mounts, not Binds: a path with a colon or comma would break the Binds syntax.
            Mounts: spec.mounts.map((mount) => ({Type: 'bind' as const, Source: mount.source, Target: mount.target, ReadOnly: mount.readOnly})),
            NetworkMode: spec.networkMode,
            AutoRemove: spec.autoRemove,
          },
        })
        try {
          await container.start()
        } catch (error) {
          await container.remove({force: true}).catch(() => {})
          throw error
        }
        return container.id
      }),

    exec: (containerId, request) =>
      call(async (engine) => {
        const started = performance.now()
        const exec = await engine.getContainer(containerId).exec({
          Cmd: request.argv,
          WorkingDir: request.workingDir,
          Env: request.env ? toEnvList(request.env) : undefined,
          User: request.user,
          AttachStdin: false,
          AttachStdout: true,
          AttachStderr: true,
          Tty: false,
        })
        const stream = await exec.start({hijack: true, stdin: false})
        const stdout = collector()
        const stderr = collector()
        engine.modem.demuxStream(stream, stdout.sink, stderr.sink)
        await new Promise<void>((resolve, reject) => {
          stream.once('end', resolve)
          stream.once('close', resolve)
          stream.once('error', reject)
        })
        return {
          stdout: stdout.text(),
          stderr: stderr.text(),
          exitCode: await exitCodeOf(exec),
          durationMs: performance.now() - started,
        }
      }),

    removeContainer: (idOrName) =>
      call(async (engine) => {
        try {
          await engine.getContainer(idOrName).remove({force: true})
        } catch (error) {
          // 404: already gone; 409: the engine is already removing it (AutoRemove after the main process died).
          if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error
        }
      }),

    killContainer: (idOrName) =>
      call(async (engine) => {
        const container = engine.getContainer(idOrName)
        try {
          await container.kill()
        } catch (error) {
          if (statusOf(error) === 404) return
          if (statusOf(error) !== 409) throw error
          // 409: not running (created but never started, or exited without autoRemove).
          await container.remove({force: true}).catch((removeError: unknown) => {
            if (statusOf(removeError) !== 404 && statusOf(removeError) !== 409) throw removeError
          })
        }
      }),

    listContainers: (labels) =>
      call(async (engine) => {
        const label = Object.entries(labels).map(([key, value]) => (value === undefined ? key : `${key}=${value}`))
        const found = await engine.listContainers({all: true, filters: {label}})
        return found.map((info) => ({
          id: info.Id,
          names: info.Names.map((name) => name.replace(/^\//, '')),
          image: info.Image,
          state: info.State,
          labels: info.Labels ?? {},
        }))
      }),

    removeImage: (reference) =>
      call(async (engine) => {
        try {
          await engine.getImage(reference).remove()
        } catch (error) {
          if (statusOf(error) !== 404) throw error
        }
      }),

    buildImage: (request) =>
      call(async (engine) => {
        const started = performance.now()
        const stream = await engine.buildImage(
          {context: request.context, src: request.files},
          {t: request.tag, buildargs: request.buildArgs, rm: true, forcerm: true},
        )
        const imageId = await followBuild(engine, stream, host, request.onOutput)
        return {imageId, durationMs: performance.now() - started}
      }),
  }
}

export class BuildInterruptedError extends Error {
  constructor(
    readonly host: string,
    readonly step: string | undefined,
    cause: unknown,
  ) {
    super(`the Docker engine at ${host} stopped answering in the middle of the build${step ? ` (at ${step})` : ''}`, {cause})
    this.name = 'BuildInterruptedError'
  }
}

interface BuildEvent {
  stream?: string
  status?: string
  error?: string
  errorDetail?: {message?: string}
  aux?: {ID?: string}
}

/** Follows a build's progress: each line to onOutput, the image id at the end, the failing step on error. */
export async function followBuild(engine: Dockerode, stream: NodeJS.ReadableStream, host: string, onOutput?: (line: string) => void): Promise<string | undefined> {
  // The output of the current step only: on failure, that is what explains it.
  let stepOutput: string[] = []
  let step: string | undefined
  let imageId: string | undefined
  let failure: string | undefined
  await new Promise<void>((resolve, reject) => {
    engine.modem.followProgress(
      stream,
      // The stream breaking off (ECONNRESET "aborted") is the engine going away, not a failed step.
      (error) => (error ? reject(isEngineUnreachable(error) ? new BuildInterruptedError(host, step, error) : error) : resolve()),
      (event: BuildEvent) => {
        if (event.error || event.errorDetail) {
          failure = event.errorDetail?.message ?? event.error
          return
        }
        if (event.aux?.ID) imageId = event.aux.ID
        for (const line of stripAnsi(event.stream ?? event.status ?? '').split('\n')) {
          if (!line.trim()) continue
          onOutput?.(line)
          if (/^Step \d+\/\d+ :/.test(line)) {
            step = line.replace(/\s+/g, ' ')
            stepOutput = []
          } else if (!/^ ---> |^Removing intermediate container /.test(line)) {
            stepOutput.push(line)
          }
        }
      },
    )
  })
  if (failure !== undefined) throw new BuildFailedError(stripAnsi(failure).trim(), step, stepOutput.slice(-20))
  return imageId
}

export async function connect(host: string | undefined): Promise<Dockerode> {
  const {default: Docker} = await import('dockerode')
  if (host === undefined) return new Docker()
  if (host.startsWith('unix://')) return new Docker({socketPath: host.slice('unix://'.length)})
  const url = new URL(host.includes('://') ? host.replace(/^tcp:/, 'http:') : `http://${host}`)
  return new Docker({host: url.hostname, port: url.port || 2375, protocol: url.protocol === 'https:' ? 'https' : 'http'})
}

function stripAnsi(text: string): string {
  return text.replace(/\x1B\[[0-9;]*m/g, '')
}

export function statusOf(error: unknown): number | undefined {
  return (error as {statusCode?: number} | undefined)?.statusCode
}

function toEnvList(env: Record<string, string>): string[] {
  return Object.entries(env).map(([key, value]) => `${key}=${value}`)
}

export function collector(): {sink: Writable; text: () => string} {
  const chunks: Buffer[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk)
      done()
    },
  })
  // Decoded once at the end so that a character split across two frames stays whole.
  return {sink, text: () => Buffer.concat(chunks).toString('utf8')}
}

/** The engine may report the exec as still running for a moment after its output ended. */
async function exitCodeOf(exec: Dockerode.Exec): Promise<number | undefined> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const info = await exec.inspect()
    if (!info.Running && typeof info.ExitCode === 'number') return info.ExitCode
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return undefined
}
