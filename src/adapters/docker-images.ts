// The Docker engine operations of the build and scan phases (dockerode): build an image from a tar stream,
// inspect and save images, and run a one-shot container to completion (the scanner). Engine problems become
// the same PrerequisiteErrors as in docker.ts.
import {createWriteStream} from 'node:fs'
import type {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import type Dockerode from 'dockerode'

import {BuildFailedError, collector, connect, engineUnreachable, followBuild, isEngineUnreachable, statusOf} from './docker.js'

export {BuildInterruptedError} from './docker.js'

export interface ImageBuildRequest {
  /** The build context as an (uncompressed) tar stream. */
  context: Readable
  /** The Dockerfile's path inside the context, forward slashes. */
  dockerfile: string
  tags: string[]
  buildArgs: Record<string, string>
  target?: string
  /** Ignore the layer cache (the benchmark's fair comparison). */
  noCache?: boolean
  onOutput?: (line: string) => void
}

export interface OneShotMount {
  type: 'bind' | 'volume'
  /** A host path (bind) or a volume name (volume; the engine creates it on first use). */
  source: string
  target: string
  readOnly: boolean
}

export interface OneShotSpec {
  image: string
  cmd: string[]
  mounts: OneShotMount[]
  networkMode: 'none' | 'host'
  labels: Record<string, string>
  env?: Record<string, string>
  /** The container is killed after this long; `timedOut` says so. */
  timeoutMs: number
}

export interface OneShotResult {
  exitCode: number
  stdout: string
  stderr: string
  timedOut: boolean
  durationMs: number
}

export interface ImageEngine {
  readonly host: string
  build(request: ImageBuildRequest): Promise<{imageId: string | undefined; durationMs: number}>
  /** The image's id, or undefined when the engine does not have it. */
  imageId(reference: string): Promise<string | undefined>
  /** Pulls an image; throws the engine's error when it cannot. */
  pull(reference: string): Promise<void>
  /** Writes `docker save` of one image to a file. */
  save(reference: string, file: string): Promise<void>
  removeImage(reference: string): Promise<void>
  /** Removes a named volume; one that is not there is not an error. */
  removeVolume(name: string): Promise<void>
  /** Creates, starts and waits for a container, returns its output, and removes it whatever happens. */
  runToCompletion(spec: OneShotSpec): Promise<OneShotResult>
}

/**
 * The engine's connection dropped after a build had started (the engine stopped, crashed or restarted):
 * `step` is the build step it was at. Not a PrerequisiteError itself: the build phase names every image
 * the loss interrupted in one.
 */
export function createImageEngine(options: {host?: string} = {}): ImageEngine {
  const host = options.host ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'
  let client: Promise<Dockerode> | undefined
  const call = async <T>(operation: (engine: Dockerode) => Promise<T>): Promise<T> => {
    const engine = await (client ??= connect(host))
    try {
      return await operation(engine)
    } catch (error) {
      if (isEngineUnreachable(error) || (error as NodeJS.ErrnoException)?.code === 'EACCES') throw engineUnreachable(host, error)
      throw error
    }
  }

  return {
    host,
    build: (request) =>
      call(async (engine) => {
        const started = performance.now()
        // The engine takes repeated `t` parameters; dockerode's type declares one string.
        const buildOptions = {
          t: request.tags,
          dockerfile: request.dockerfile,
          buildargs: request.buildArgs,
          target: request.target,
          nocache: request.noCache ?? false,
          rm: true,
          forcerm: true,
        } as unknown as Dockerode.ImageBuildOptions
        let stream: NodeJS.ReadableStream
        try {
          stream = await engine.buildImage(request.context as unknown as NodeJS.ReadableStream, buildOptions)
        } catch (error) {
          // The engine rejects a Dockerfile it cannot parse before the build starts (HTTP 400).
          if (statusOf(error) !== 400) throw error
          const message = (error as {json?: {message?: string}}).json?.message ?? (error as Error).message
          throw new BuildFailedError(message.trim(), undefined, [])
        }
        const imageId = await followBuild(engine, stream, host, request.onOutput)
        return {imageId, durationMs: performance.now() - started}
      }),

    imageId: (reference) =>
      call(async (engine) => {
        try {
          return (await engine.getImage(reference).inspect()).Id
        } catch (error) {
          if (statusOf(error) === 404) return undefined
          throw error
        }
      }),

    pull: (reference) =>
      call(async (engine) => {
        const stream = await engine.pull(reference)
        await new Promise<void>((resolve, reject) => engine.modem.followProgress(stream, (error) => (error ? reject(error) : resolve())))
      }),

    save: (reference, file) =>
      call(async (engine) => {
        const archive = (await engine.getImage(reference).get()) as NodeJS.ReadableStream
        await pipeline(archive, createWriteStream(file))
      }),

    removeImage: (reference) =>
      call(async (engine) => {
        try {
          await engine.getImage(reference).remove({force: true})
        } catch (error) {
          if (statusOf(error) !== 404) throw error
        }
      }),

    removeVolume: (name) =>
      call(async (engine) => {
        try {
          await engine.getVolume(name).remove()
        } catch (error) {
          if (statusOf(error) !== 404) throw error
        }
      }),

    runToCompletion: (spec) =>
      call(async (engine) => {
        const started = performance.now()
        const container = await engine.createContainer({
          Image: spec.image,
          Cmd: spec.cmd,
          Env: Object.entries(spec.env ?? {}).map(([key, value]) => `${key}=${value}`),
          Labels: spec.labels,
          Tty: false,
          HostConfig: {
            Mounts: spec.mounts.map((mount) => ({Type: mount.type, Source: mount.source, Target: mount.target, ReadOnly: mount.readOnly})),
            NetworkMode: spec.networkMode,
          },
        })
        try {
          const stream = await container.attach({stream: true, stdout: true, stderr: true})
          const stdout = collector()
          const stderr = collector()
          container.modem.demuxStream(stream, stdout.sink, stderr.sink)
          const ended = new Promise<void>((resolve) => {
            stream.once('end', resolve)
            stream.once('close', resolve)
          })
          await container.start()
          let timedOut = false
          const timer = setTimeout(() => {
            timedOut = true
            void container.kill().catch(() => {})
          }, spec.timeoutMs)
          try {
            const {StatusCode} = (await container.wait()) as {StatusCode: number}
            await ended
            return {exitCode: StatusCode, stdout: stdout.text(), stderr: stderr.text(), timedOut, durationMs: performance.now() - started}
          } finally {
            clearTimeout(timer)
          }
        } finally {
          await container.remove({force: true}).catch(() => {})
        }
      }),
  }
}
