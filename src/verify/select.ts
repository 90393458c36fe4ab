// Which checks a verify run executes: the requested suite's, refusing what would be a mistake (e2e tests
// write test data, so they run on production only with --force) and explaining an environment that has
// no checks with an example to copy.
import type {EnvironmentConfig} from '../config/environments-schema.js'
import {UsageError} from '../errors.js'
import type {CheckConfig, Suite} from './schema.js'

export type SuiteRequest = Suite | 'all'

export interface Selection {
  checks: CheckConfig[]
  suites: Suite[]
  /** Why a suite that exists was left out (for the report). */
  notes: string[]
}

/** The e2e suite runs on staging by default; `verify.e2e` says otherwise for an environment. */
export function e2eAllowed(env: EnvironmentConfig): boolean {
  return env.verify.e2e ?? env.name === 'staging'
}

const EXAMPLE = (name: string) =>
  `For example, in .cicdrc.json: {"environments": {"${name}": {"checks": [{"name": "api-health", "kind": "http", "url": "http://127.0.0.1:8080/health"}, {"name": "database", "kind": "postgres", "query": "select 1"}]}}} (docs/verify.md lists every kind)`

export function selectChecks(env: EnvironmentConfig, request: SuiteRequest, options: {force: boolean}): Selection {
  if (env.checks.length === 0) {
    throw new UsageError(`The environment ${env.name} has no checks configured, so there is nothing to verify`, [EXAMPLE(env.name)])
  }
  const allowed = e2eAllowed(env) || options.force
  const notes: string[] = []
  if (request === 'e2e' && !allowed) {
    throw new UsageError(`The e2e suite is not run on ${env.name} without --force: its tests write data through the whole pipeline`, [
      `Run it anyway: cicd verify --env ${env.name} --suite e2e --force`,
      `Or allow it for this environment: environments.${env.name}.verify.e2e = true`,
    ])
  }
  let suites: Suite[] = request === 'all' ? ['integration', 'e2e'] : [request]
  if (request === 'all' && !allowed && env.checks.some((check) => check.suite === 'e2e')) {
    suites = ['integration']
    notes.push(`the e2e suite is not run on ${env.name} without --force`)
  }
  const checks = env.checks.filter((check) => suites.includes(check.suite))
  if (checks.length === 0) {
    throw new UsageError(`The environment ${env.name} has no ${suites.join(' or ')} checks`, [
      `Give a check "suite": "${suites[0]}", or run another suite (configured: ${[...new Set(env.checks.map((c) => c.suite))].join(', ')})`,
    ])
  }
  return {checks, suites, notes}
}

/** After a deploy: the integration suite, and the e2e suite too where e2e runs (staging by default). */
export function postDeployChecks(env: EnvironmentConfig): CheckConfig[] {
  return env.checks.filter((check) => check.suite === 'integration' || (check.suite === 'e2e' && e2eAllowed(env)))
}
