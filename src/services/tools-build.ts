// `cicd tools build`: builds the tools image from the Dockerfile that ships with cicd (assets/tools-image),
// with the tool versions pinned in the repository's configuration, so `--runner container` runs exactly
// what CI pins.
import {fileURLToPath} from 'node:url'

import {BuildFailedError, createDockerAdapter, type DockerAdapter} from '../adapters/docker.js'
import {loadConfig, locateProjectRoot} from '../config/load.js'
import {PrerequisiteError, UsageError} from '../errors.js'

export interface ToolsBuildOptions {
  /** A directory of the repository whose configuration pins the versions. */
  cwd: string
  /** The image to produce; defaults to tools.image from the configuration. */
  tag?: string
  /** The image to build on; defaults to the Dockerfile's (python:3.11-slim). */
  base?: string
  /** Tools to leave out of the image (their version is not installed). */
  without?: string[]
  docker?: DockerAdapter
  /** Each line of the engine's build output. */
  onOutput?: (line: string) => void
}

export interface ToolsBuildResult {
  tag: string
  base: string | undefined
  imageId: string | undefined
  /** The version each tool was built at, by tool; tools left out are absent. */
  versions: Record<string, string>
  durationMs: number
}

/** The build context: the folder ships in the package (package.json `files`), found from this module. */
const TOOLS_IMAGE_DIR = fileURLToPath(new URL('../../assets/tools-image/', import.meta.url))
const CONTEXT_FILES = ['Dockerfile', 'install-tools.sh']

export async function buildToolsImage(options: ToolsBuildOptions): Promise<ToolsBuildResult> {
  const root = await locateProjectRoot(options.cwd)
  const {config} = await loadConfig({root})
  const pinned = config.tools.versions
  const without = options.without ?? []
  const unknown = without.filter((tool) => !(tool in pinned))
  if (unknown.length > 0) {
    throw new UsageError(`--without names no pinned tool: ${unknown.join(', ')}.`, [`Use one of: ${Object.keys(pinned).join(', ')}`])
  }

  const versions = Object.fromEntries(Object.entries(pinned).filter(([tool]) => !without.includes(tool)))
  const tag = options.tag ?? config.tools.image
  const docker = options.docker ?? createDockerAdapter()
  await docker.ping()
  try {
    const {imageId, durationMs} = await docker.buildImage({
      context: TOOLS_IMAGE_DIR,
      files: CONTEXT_FILES,
      tag,
      buildArgs: {...buildArgs(pinned, without), ...(options.base ? {BASE: options.base} : {})},
      onOutput: options.onOutput,
    })
    return {tag, base: options.base, imageId, versions, durationMs}
  } catch (error) {
    if (error instanceof BuildFailedError) throw await buildFailed(error, tag, options.base, docker)
    throw error
  }
}

/** FLAKE8_VERSION=5.0.4, PIP_AUDIT_VERSION=…; a tool left out gets an empty version, which the Dockerfile skips. */
function buildArgs(pinned: Record<string, string>, without: string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(pinned).map(([tool, version]) => [`${tool.toUpperCase().replaceAll('-', '_')}_VERSION`, without.includes(tool) ? '' : version]),
  )
}

async function buildFailed(error: BuildFailedError, tag: string, base: string | undefined, docker: DockerAdapter): Promise<PrerequisiteError> {
  const baseImage = base ?? 'python:3.11-slim'
  const nextSteps: string[] = []
  if (!(await docker.imageExists(baseImage))) {
    nextSteps.push(`The base image ${baseImage} is not in the engine: pull it (docker pull ${baseImage}) or pass --base an image it has`)
  }
  nextSteps.push('Or run the tools locally instead: cicd check --runner local')
  const step = error.step ? ` at ${error.step.length > 90 ? `${error.step.slice(0, 90)}…` : error.step}` : ''
  // "The command '/bin/sh -c <the whole RUN line>' returned a non-zero code: 1": the step already names the command.
  const reason = error.message.match(/returned a non-zero code: \d+/)?.[0] ?? error.message
  const tail = error.tail.length > 0 ? `\n${error.tail.map((line) => `  | ${line}`).join('\n')}` : ''
  return new PrerequisiteError(`Building the tools image ${tag} failed${step}: ${reason}${tail}`, nextSteps, error)
}
