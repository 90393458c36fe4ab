// Finding the environment a command names in the repository's configuration (a message listing the
// configured ones when the name is unknown), and opening it for an operator command.
import type {EnvironmentConfig, EnvironmentsConfig} from '../config/environments-schema.js'
import type {PolicyConfig} from '../policy/schema.js'
import {UsageError} from '../errors.js'
import type {CleanupStack} from '../lifecycle/cleanup.js'
import {openEnvironment, type DeployContext, type OpenOptions} from './context.js'

export function selectEnvironment(environments: EnvironmentsConfig, name: string, file?: string): EnvironmentConfig {
  const env = environments[name]
  if (env) return env
  const known = Object.keys(environments)
  throw new UsageError(`Unknown environment "${name}"${file ? ` in ${file}` : ''}`, [
    known.length > 0 ? `Configured environments: ${known.join(', ')}` : 'No environment is configured: add an `environments` section to the configuration (see docs/operations.md)',
  ])
}

export interface OperatorOptions {
  cwd: string
  environment: string
  hostEnv: Record<string, string | undefined>
  log: (line: string) => void
  cleanup: CleanupStack
  /** Opens the environment's adapters; tests pass one assembling fakes. */
  open?: (options: OpenOptions) => Promise<DeployContext>
}

export interface OpenedEnvironment {
  root: string
  env: EnvironmentConfig
  policy?: PolicyConfig
  ctx: DeployContext
}

/** Loads the configuration, selects the environment and opens it; the state database closes at cleanup. */
export async function openForCommand(options: OperatorOptions): Promise<OpenedEnvironment> {
  const {loadConfig, locateProjectRoot} = await import('../config/load.js')
  const root = await locateProjectRoot(options.cwd)
  const {config, file} = await loadConfig({root})
  const {environments = {}, policy, alerts} = config
  const env = selectEnvironment(environments, options.environment, file)
  const interrupted = new AbortController()
  const ctx = await (options.open ?? openEnvironment)({env, hostEnv: options.hostEnv, log: options.log, projectRoot: root, alerts, signal: interrupted.signal})
  options.cleanup.add(`state database of ${env.name}`, () => ctx.close())
  // Cleanups run last-in first: on Ctrl-C the checks in flight (and their processes) stop before the database closes.
  options.cleanup.add('checks in flight', () => interrupted.abort())
  return {root, env, policy, ctx}
}
