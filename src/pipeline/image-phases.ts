// The build and scan phases: the platform's images built in parallel through the engine, then each built
// image scanned by Trivy from a container. Each image is one check result (build:NAME, scan:NAME).
import {buildCheckResult, buildImages, type ImageBuildResult} from '../build/build-images.js'
import {discoverImages} from '../build/discover.js'
import type {CicdConfig} from '../config/types.js'
import {scanCheckResult, scanImages} from '../scan/scan-images.js'
import type {CheckResult} from './result.js'

export interface ImagePhaseContext {
  root: string
  config: CicdConfig
  /** The project's files (from git): Dockerfiles are found among them. */
  files: string[]
  /** The commit the images are built from, for the NAME:SHORT-SHA tag. */
  shortSha?: string
  /** A progress line (stderr, unless the run is silent). */
  progress(line: string): void
  /** A build output line (shown with --verbose). */
  debug(line: string): void
}

export interface BuildPhaseOutcome {
  results: CheckResult[]
  built: ImageBuildResult[]
  /** Why nothing was built, when nothing was. */
  skipReason?: string
}

export async function runBuildPhase(context: ImagePhaseContext): Promise<BuildPhaseOutcome> {
  const images = discoverImages(context.config.build.images, context.files, context.root)
  if (images.length === 0) return {results: [], built: [], skipReason: 'no Dockerfile found (build.images, docker/*/Dockerfile, */Dockerfile, Dockerfile)'}
  const {createImageEngine} = await import('../adapters/docker-images.js')
  context.progress(`build: ${images.map((i) => i.name).join(', ')} in parallel`)
  const built = await buildImages({
    engine: createImageEngine(),
    root: context.root,
    images,
    shortSha: context.shortSha,
    concurrency: context.config.build.concurrency,
    onOutput: (image, line) => context.debug(`[${image}] ${line}`),
  })
  return {results: built.map(buildCheckResult), built}
}

export async function runScanPhase(context: ImagePhaseContext, built: ImageBuildResult[]): Promise<CheckResult[]> {
  const targets = built
    .filter((image) => image.status === 'built')
    .map((image) => ({name: image.name, reference: image.tags.at(-1)!, dockerfile: image.dockerfile}))
  if (targets.length === 0) return []
  const {createImageEngine} = await import('../adapters/docker-images.js')
  context.progress(`scan: ${targets.map((t) => t.reference).join(', ')} with ${context.config.scan.image}`)
  const scanned = await scanImages({engine: createImageEngine(), root: context.root, targets, config: context.config.scan})
  return scanned.map((result) => scanCheckResult(result, context.config.scan))
}
