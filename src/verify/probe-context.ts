// The context every probe of one environment shares: its variables and reference resolver, the project root
// command and pytest checks run in, the engines docker checks look at, and the memory a watch keeps.
import type {EnvironmentConfig} from '../config/environments-schema.js'
import type {ProbeContext} from './types.js'
import {environmentVariables, referenceResolver} from './variables.js'

export function createProbeContext(options: {
  env: EnvironmentConfig
  hostEnv: Record<string, string | undefined>
  projectRoot: string
  engines: ProbeContext['engines']
  memory?: Map<string, unknown>
}): Omit<ProbeContext, 'signal'> {
  const variables = environmentVariables(options.env, options.hostEnv)
  return {
    environment: options.env.name,
    projectRoot: options.projectRoot,
    variables,
    resolve: referenceResolver(variables, options.hostEnv),
    engines: options.engines,
    memory: options.memory ?? new Map(),
    databaseUrl: variables.DATABASE_URL,
  }
}
