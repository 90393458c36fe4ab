// After a deploy or rollback: every instance healthy, then the environment's post-deploy checks (the
// integration suite, and the e2e suite where it runs: staging by default). What failed is returned with
// its evidence, for the journal, the release and the incident.
import type {Release} from '../state/store.js'
import {runSuite} from '../verify/run-suite.js'
import {PROBES} from '../verify/probes/index.js'
import {createProbeContext} from '../verify/probe-context.js'
import {postDeployChecks} from '../verify/select.js'
import {requireReferences} from '../verify/variables.js'
import type {CheckResult} from '../verify/types.js'
import type {DeployContext} from './context.js'
import {waitHealthy} from './health.js'
import {healthUrl, releaseInstances} from './instances.js'

export interface Verification {
  problems: string[]
  checks: CheckResult[]
}

export async function verifyRelease(ctx: DeployContext, release: Release): Promise<Verification> {
  const problems: string[] = []
  await Promise.all(
    releaseInstances(ctx, release).map(async (instance) => {
      const result = await waitHealthy({http: ctx.http, clock: ctx.clock, url: healthUrl(ctx, release, instance), check: release.spec.services[instance.service].healthCheck})
      if (!result.healthy) problems.push(`${instance.service}#${instance.index} health check: ${result.last}`)
    }),
  )
  const checks = postDeployChecks(ctx.env)
  if (checks.length === 0) return {problems, checks: []}
  const context = createProbeContext({
    env: ctx.env,
    hostEnv: ctx.hostEnv,
    projectRoot: ctx.projectRoot,
    engines: async () => ({engines: ctx.engines, namespace: ctx.namespace, liveRelease: release.id}),
  })
  requireReferences(ctx.env, checks, context.resolve)
  const suites = [...new Set(checks.map((c) => c.suite))]
  const report = await runSuite(checks, {probes: PROBES, context, redact: ctx.redact, environment: ctx.env.name, suites, mode: 'silent'})
  for (const result of report.checks) {
    ctx.log(`  check ${result.name}: ${result.ok ? 'passed' : 'FAILED'}: ${result.evidence}`)
    if (!result.ok) problems.push(`check ${result.name} (${result.kind}) failed: ${result.evidence}`)
  }
  return {problems, checks: report.checks}
}

/** The verify step in a plan: the same words for deploy and rollback. */
export function describeVerification(ctx: DeployContext): string {
  const checks = postDeployChecks(ctx.env)
  return `health checks${checks.length ? `, then the checks ${checks.map((c) => c.name).join(', ')}` : ' (no post-deploy checks are configured)'}`
}

/** What the journal keeps of each check: enough to see what failed without the run's output. */
export function checkSummaries(checks: CheckResult[]): {name: string; ok: boolean; evidence: string; durationMs: number}[] {
  return checks.map(({name, ok, evidence, durationMs}) => ({name, ok, evidence, durationMs}))
}
