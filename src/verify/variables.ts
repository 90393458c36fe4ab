// What the checks of an environment see: its variables (the environment's URLs and DSNs, exported to command
// and pytest checks), `${VAR}` references resolved against them and the process environment, and the list
// of secrets to mask: every referenced value and every password written in a URL.
import type {EnvironmentConfig} from '../config/environments-schema.js'
import {UsageError} from '../errors.js'
import {MissingVariableError, referencedValues, resolveRefs} from '../lifecycle/redact.js'
import type {CheckConfig} from './schema.js'

type HostEnv = Record<string, string | undefined>

/** Every string a check holds (URLs, DSNs, headers, commands, env values), where references may hide. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(stringsOf)
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf)
  return []
}

function explainMissing(error: unknown, where: string): never {
  if (error instanceof MissingVariableError) {
    throw new UsageError(`${where} refers to \${${error.variable}}, which is not set`, [`export ${error.variable}=… before running cicd, or define it in environments.<name>.variables`])
  }
  throw error
}

/**
 * CICD_ENVIRONMENT, DATABASE_URL (the application database) and CICD_BASE_URL (the load balancer) when
 * configured, then the environment's own `variables`, each resolved against the process environment.
 */
export function environmentVariables(env: EnvironmentConfig, hostEnv: HostEnv): Record<string, string> {
  const variables: Record<string, string> = {CICD_ENVIRONMENT: env.name}
  const resolve = (value: string, where: string) => {
    try {
      return resolveRefs(value, {...hostEnv, ...variables})
    } catch (error) {
      return explainMissing(error, where)
    }
  }
  if (env.database) variables.DATABASE_URL = resolve(env.database.url, `environments.${env.name}.database.url`)
  if (env.loadBalancer?.url) variables.CICD_BASE_URL = env.loadBalancer.url
  for (const [key, value] of Object.entries(env.variables)) variables[key] = resolve(value, `environments.${env.name}.variables.${key}`)
  return variables
}

export function referenceResolver(variables: Record<string, string>, hostEnv: HostEnv): (value: string) => string {
  return (value) => resolveRefs(value, {...hostEnv, ...variables})
}

/** Fails before any check runs when one of them refers to a variable nobody set. */
export function requireReferences(env: EnvironmentConfig, checks: CheckConfig[], resolve: (value: string) => string): void {
  for (const check of checks) {
    for (const text of stringsOf(check)) {
      try {
        resolve(text)
      } catch (error) {
        explainMissing(error, `The check ${check.name} of ${env.name}`)
      }
    }
  }
}

/** The values behind references in checks and variables, and the passwords in their URLs once resolved. */
export function checkSecrets(env: EnvironmentConfig, hostEnv: HostEnv): string[] {
  let variables: Record<string, string> = {}
  try {
    variables = environmentVariables(env, hostEnv)
  } catch {
    // A missing variable is reported when the checks run; the secrets that do resolve are still masked.
  }
  const texts = [...stringsOf(env.checks), ...Object.values(env.variables)]
  const passwords = texts.flatMap((text) => {
    try {
      const password = new URL(resolveRefs(text, {...hostEnv, ...variables})).password
      return password ? [decodeURIComponent(password)] : []
    } catch {
      return []
    }
  })
  return [...referencedValues(texts, hostEnv), ...passwords]
}
