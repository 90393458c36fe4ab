// `cicd doctor`: is everything `cicd check` needs here? The git repository, the configuration, each tool
// and its version against the pinned one, the Docker engine and the tools image; each problem with its fix.
import {createDockerAdapter, type DockerAdapter} from '../adapters/docker.js'
import {STATIC_CHECKS} from '../checks/registry.js'
import {loadConfig, locateProjectRoot, type LoadedConfig} from '../config/load.js'
import {isCicdError} from '../errors.js'
import {createLocalRunner} from '../runners/local.js'

export type DiagnosisStatus = 'ok' | 'warning' | 'problem'

export interface Diagnosis {
  subject: string
  status: DiagnosisStatus
  detail: string
  fix?: string
}

export interface DoctorOptions {
  cwd: string
  docker?: DockerAdapter
}

export async function diagnose(options: DoctorOptions): Promise<Diagnosis[]> {
  const results: Diagnosis[] = []
  let root: string
  try {
    root = await locateProjectRoot(options.cwd)
    results.push({subject: 'git repository', status: 'ok', detail: root})
  } catch (error) {
    results.push({subject: 'git repository', status: 'problem', detail: describe(error), fix: fixOf(error)})
    return results
  }

  let loaded: LoadedConfig
  try {
    loaded = await loadConfig({root})
  } catch (error) {
    results.push({subject: 'configuration', status: 'problem', detail: describe(error), fix: fixOf(error)})
    return results
  }
  results.push({subject: 'configuration', status: 'ok', detail: loaded.file ?? 'none found: the defaults apply (cicd init writes a starter file)'})
  const {config} = loaded

  const runner = createLocalRunner({paths: Object.fromEntries(Object.entries(config.checks).map(([id, check]) => [id, check.path]))})
  const wanted = STATIC_CHECKS.filter((d) => (d.id !== 'safety' && d.id !== 'pip-audit') || d.id === config.dependencies.provider)
  const tools = await Promise.all(
    wanted.map(async (definition): Promise<Diagnosis> => {
      const pinned = config.tools.versions[definition.tool]
      try {
        const {path} = await runner.resolve(definition.tool)
        const output = await runner.run({argv: [definition.tool, ...definition.versionArgv], cwd: root})
        const version = definition.parseVersion(output)
        if (!version) return {subject: definition.tool, status: 'warning', detail: `${path}: could not read its version`}
        if (pinned && version !== pinned) {
          return {
            subject: definition.tool,
            status: 'warning',
            detail: `${path} is ${version}; CI pins ${pinned}, so findings may differ`,
            fix: `install ${definition.tool} ${pinned}, or run in the tools image: cicd check --runner container`,
          }
        }
        return {subject: definition.tool, status: 'ok', detail: `${path} ${version}${pinned ? ' (pinned)' : ''}`}
      } catch (error) {
        return {subject: definition.tool, status: 'problem', detail: describe(error), fix: fixOf(error)}
      }
    }),
  )
  results.push(...tools)

  const docker = options.docker ?? createDockerAdapter()
  if (await docker.reachable(1500)) {
    results.push({subject: 'docker engine', status: 'ok', detail: docker.host})
    const present = await docker.imageExists(config.tools.image)
    results.push(
      present
        ? {subject: 'tools image', status: 'ok', detail: config.tools.image}
        : {subject: 'tools image', status: 'warning', detail: `${config.tools.image} is not in the engine`, fix: 'cicd tools build'},
    )
  } else {
    results.push({
      subject: 'docker engine',
      status: 'warning',
      detail: `no engine answers at ${docker.host}: the container runner is unavailable, checks run locally`,
      fix: 'start Docker or set DOCKER_HOST',
    })
  }
  return results
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function fixOf(error: unknown): string | undefined {
  return isCicdError(error) ? error.nextSteps.join('; ') || undefined : undefined
}
