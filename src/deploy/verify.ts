// After a deploy or rollback: every instance healthy, then the environment's checks (after a deploy the
// integration suite and, where it runs, the e2e suite; after a rollback the integration suite). What failed
// is returned with its evidence, for the journal, the release and the incident.
import type {Release} from '../state/store.js'
import {runSuite} from '../verify/run-suite.js'
import {PROBES} from '../verify/probes/index.js'
import {createProbeContext} from '../verify/probe-context.js'
import {postDeployChecks} from '../verify/select.js'
import {requireReferences} from '../verify/variables.js'
import type {CheckConfig} from '../verify/schema.js'
import type {CheckResult} from '../verify/types.js'
import type {DeployContext} from './context.js'
import {waitHealthy} from './health.js'
import {healthUrl, releaseInstances} from './instances.js'

export interface Verification {
  problems: string[]
  checks: CheckResult[]
}

/**
 * The checks a deploy runs after its health checks: the integration suite, and the e2e suite where it runs
 * (staging). A rollback runs the integration suite only: e2e tests write data through the whole pipeline, and
 * an incident is no time for that.
 */
export function checksAfter(ctx: DeployContext, operation: 'deploy' | 'rollback'): CheckConfig[] {
  return operation === 'deploy' ? postDeployChecks(ctx.env) : ctx.env.checks.filter((check) => check.suite === 'integration')
}

function probeContext(ctx: DeployContext, liveRelease?: number) {
  return createProbeContext({
    env: ctx.env,
    hostEnv: ctx.hostEnv,
    projectRoot: ctx.projectRoot,
    engines: async () => ({engines: ctx.engines, namespace: ctx.namespace, liveRelease}),
  })
}

/** Run while planning, before anything changes: a check naming an unset variable would fail the deploy and its rollback. */
export function requireCheckReferences(ctx: DeployContext, operation: 'deploy' | 'rollback'): void {
  const checks = checksAfter(ctx, operation)
  if (checks.length > 0) requireReferences(ctx.env, checks, probeContext(ctx).resolve)
}

export async function verifyRelease(ctx: DeployContext, release: Release, operation: 'deploy' | 'rollback'): Promise<Verification> {
  const problems: string[] = []
  await Promise.all(
    releaseInstances(ctx, release).map(async (instance) => {
      const result = await waitHealthy({http: ctx.http, clock: ctx.clock, url: healthUrl(ctx, release, instance), check: release.spec.services[instance.service].healthCheck})
      if (!result.healthy) problems.push(`${instance.service}#${instance.index} health check: ${result.last}`)
    }),
  )
  const checks = checksAfter(ctx, operation)
  if (checks.length === 0) return {problems, checks: []}
  const suites = [...new Set(checks.map((c) => c.suite))]
  const report = await runSuite(checks, {probes: PROBES, context: probeContext(ctx, release.id), redact: ctx.redact, signal: ctx.signal, environment: ctx.env.name, suites, mode: 'silent'})
  for (const result of report.checks) {
    ctx.log(`  check ${result.name}: ${result.ok ? 'passed' : 'FAILED'}: ${result.evidence}`)
    if (!result.ok) problems.push(`check ${result.name} (${result.kind}) failed: ${result.evidence}`)
  }
  return {problems, checks: report.checks}
}

/** The verify step in a plan: the same words for deploy and rollback. */
export function describeVerification(ctx: DeployContext, operation: 'deploy' | 'rollback'): string {
  const checks = checksAfter(ctx, operation)
  return `health checks${checks.length ? `, then the checks ${checks.map((c) => c.name).join(', ')}` : ' (no post-deploy checks are configured)'}`
}

/** What the journal keeps of each check: enough to see what failed without the run's output. */
export function checkSummaries(checks: CheckResult[]): {name: string; ok: boolean; evidence: string; durationMs: number}[] {
  return checks.map(({name, ok, evidence, durationMs}) => ({name, ok, evidence, durationMs}))
}
