// The build phase: every image built at once through the engine (the engine runs the builds in parallel; a
// limit is configurable), each from a .dockerignore-honouring tar of its context, tagged NAME:SHORT-SHA and
// NAME:local, with the layer cache reused. Each image's outcome becomes one check result ("build:NAME").
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {BuildInterruptedError, type ImageEngine} from '../adapters/docker-images.js'
import {BuildFailedError} from '../adapters/docker.js'
import {PrerequisiteError} from '../errors.js'
import type {CheckResult} from '../pipeline/result.js'
import {listContextFiles, packContext} from './context.js'
import {baseImages, type BaseImage} from './dockerfile.js'
import {imageTags, type ImageSpec} from './discover.js'

export interface BuildImagesOptions {
  engine: Pick<ImageEngine, 'build' | 'imageId'>
  root: string
  images: ImageSpec[]
  /** The commit the images are built from; without one only NAME:local is tagged. */
  shortSha?: string
  /** Builds at once; 0 means all. */
  concurrency: number
  noCache?: boolean
  /** Each line of each build's output, as it arrives. */
  onOutput?: (image: string, line: string) => void
}

export interface ImageBuildResult {
  name: string
  dockerfile: string
  tags: string[]
  status: 'built' | 'failed'
  imageId?: string
  durationMs: number
  baseImages: BaseImage[]
  /** How many files the context sent. */
  contextFiles: number
  /** Why the build failed, with the failing step and the end of its output. */
  failure?: {message: string; step?: string; tail: string[]}
}

/**
 * Builds the images, at most `concurrency` at once. When the engine goes away (or cannot be reached) no
 * further build starts, the ones under way are waited for (they fail with it), and one PrerequisiteError
 * names every image left unbuilt, so no build is still streaming when the phase reports.
 */
export async function buildImages(options: BuildImagesOptions): Promise<ImageBuildResult[]> {
  const limit = options.concurrency > 0 ? options.concurrency : options.images.length
  const results: ImageBuildResult[] = new Array(options.images.length)
  const interrupted: {image: ImageSpec; error: BuildInterruptedError}[] = []
  const errors: unknown[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < options.images.length && errors.length === 0 && interrupted.length === 0) {
      const index = next
      const image = options.images[index]
      next += 1
      try {
        results[index] = await buildOne(image, options)
      } catch (error) {
        if (error instanceof BuildInterruptedError) interrupted.push({image, error})
        else errors.push(error)
      }
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, options.images.length)}, () => worker()))
  if (interrupted.length > 0) throw engineLost(interrupted, options.images, results)
  if (errors.length > 0) throw errors[0]
  return results
}

function engineLost(interrupted: {image: ImageSpec; error: BuildInterruptedError}[], images: ImageSpec[], results: ImageBuildResult[]): PrerequisiteError {
  const {host} = interrupted[0].error
  const during = interrupted.map(({image, error}) => (error.step ? `${image.name} (at ${error.step})` : image.name))
  const built = results.filter((result) => result?.status === 'built').map((result) => result.name)
  const notStarted = images.filter((image, index) => results[index] === undefined && !interrupted.some((i) => i.image === image)).map((i) => i.name)
  const parts = [
    `The Docker engine at ${host} stopped answering in the middle of the image builds: interrupted ${during.join(', ')}`,
    ...(notStarted.length > 0 ? [`not started ${notStarted.join(', ')}`] : []),
    ...(built.length > 0 ? [`built before it went away ${built.join(', ')}`] : []),
  ]
  return new PrerequisiteError(
    `${parts.join('; ')}.`,
    [
      'Check that the engine runs again (docker info; it may have stopped, crashed or restarted), then run the builds again: cicd check --phase build',
      'The interrupted images were not tagged; the steps the engine had finished stay in its layer cache',
    ],
    interrupted[0].error,
  )
}

async function buildOne(image: ImageSpec, options: BuildImagesOptions): Promise<ImageBuildResult> {
  const started = performance.now()
  const contextDir = path.resolve(options.root, image.context)
  const dockerfileInContext = path.relative(contextDir, path.resolve(options.root, image.dockerfile)).split(path.sep).join('/')
  const tags = imageTags(image.name, options.shortSha)
  const text = await readFile(path.resolve(options.root, image.dockerfile), 'utf8')
  const bases = baseImages(text, image.buildArgs)
  const base = {name: image.name, dockerfile: image.dockerfile, tags, baseImages: bases}
  const failed = (failure: ImageBuildResult['failure'], contextFiles = 0): ImageBuildResult => ({
    ...base,
    status: 'failed',
    durationMs: Math.round(performance.now() - started),
    contextFiles,
    failure,
  })
  if (dockerfileInContext.startsWith('../')) {
    return failed({message: `the Dockerfile ${image.dockerfile} is outside the build context ${image.context}; move it into the context or change build.images[].context`, tail: []})
  }

  const context = await listContextFiles(contextDir, dockerfileInContext)
  try {
    const built = await options.engine.build({
      context: await packContext(contextDir, context.files),
      dockerfile: dockerfileInContext,
      tags,
      buildArgs: image.buildArgs,
      target: image.target,
      noCache: options.noCache,
      onOutput: (line) => options.onOutput?.(image.name, line),
    })
    return {...base, status: 'built', imageId: built.imageId, durationMs: Math.round(performance.now() - started), contextFiles: context.files.length}
  } catch (error) {
    if (!(error instanceof BuildFailedError)) throw error
    return failed(await explainFailure(error, bases, image, options.engine), context.files.length)
  }
}

const PULL_FAILURE = /pull access denied|manifest unknown|not found|no such host|dial tcp|TLS handshake|connection refused|i\/o timeout/i

/** A FROM step that failed because its image is neither on the engine nor pullable gets a message that says so. */
async function explainFailure(
  error: BuildFailedError,
  bases: BaseImage[],
  image: ImageSpec,
  engine: Pick<ImageEngine, 'imageId'>,
): Promise<NonNullable<ImageBuildResult['failure']>> {
  const atFrom = error.step === undefined || /^Step \d+\/\d+ : FROM /i.test(error.step)
  if (atFrom && PULL_FAILURE.test(error.message)) {
    for (const base of bases) {
      if ((await engine.imageId(base.reference)) === undefined) {
        return {
          message: `the base image ${base.reference} (${image.dockerfile}:${base.line}) is not on this Docker engine and could not be pulled: ${error.message}. Pull it (docker pull ${base.reference}), log in to its registry, or fix the FROM line.`,
          step: error.step,
          tail: error.tail,
        }
      }
    }
  }
  return {message: error.message, step: error.step, tail: error.tail}
}

/** One check result per image, for the run's summary and reports. */
export function buildCheckResult(result: ImageBuildResult): CheckResult {
  const base = {id: `build:${result.name}`, tool: 'docker', phase: 'build' as const, cached: false, durationMs: result.durationMs, findings: [], gate: 'block' as const}
  if (result.status === 'built') return {...base, status: 'passed', reason: `built ${result.tags.join(', ')} (${result.imageId ?? 'no id'})`}
  const failure = result.failure!
  const step = failure.step ? `\nfailing step: ${failure.step}` : ''
  const tail = failure.tail.length > 0 ? `\n${failure.tail.join('\n')}` : ''
  return {...base, status: 'failed', reason: `build of ${result.name} (${result.dockerfile}) failed: ${failure.message}${step}${tail}`}
}
