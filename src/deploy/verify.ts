// After a deploy or rollback: every instance healthy, the configured API endpoints answering, and the error
// rate under its threshold (from Prometheus or the service's metrics endpoint, when one is configured).
import type {Release} from '../state/store.js'
import type {DeployContext} from './context.js'
import {waitHealthy} from './health.js'
import {healthUrl, instanceAddress, releaseInstances} from './instances.js'

export async function verifyRelease(ctx: DeployContext, release: Release): Promise<{problems: string[]; errorRate?: number}> {
  const problems: string[] = []
  const instances = releaseInstances(ctx, release)
  await Promise.all(
    instances.map(async (instance) => {
      const result = await waitHealthy({http: ctx.http, clock: ctx.clock, url: healthUrl(ctx, release, instance), check: release.spec.services[instance.service].healthCheck})
      if (!result.healthy) problems.push(`${instance.service}#${instance.index} health check: ${result.last}`)
    }),
  )
  const base = ctx.env.loadBalancer?.url ?? (instances[0] ? `http://${instanceAddress(ctx, instances[0])}` : undefined)
  if (base) {
    for (const endpoint of ctx.env.verify.endpoints) {
      const answer = await ctx.http.get(`${base}${endpoint.path}`, 5000)
      if (answer.status !== endpoint.expectedStatus) problems.push(`${endpoint.path} answered ${answer.status === 0 ? answer.error : `HTTP ${answer.status}`}, expected ${endpoint.expectedStatus}`)
    }
  }
  const errorRate = await measureErrorRate(ctx, base)
  const threshold = ctx.env.verify.errorRate.threshold
  if (errorRate !== undefined && errorRate > threshold) problems.push(`error rate ${(errorRate * 100).toFixed(1)}% is above ${(threshold * 100).toFixed(1)}%`)
  return {problems, errorRate}
}

async function measureErrorRate(ctx: DeployContext, base: string | undefined): Promise<number | undefined> {
  const config = ctx.env.verify.errorRate
  if (config.prometheus) {
    const answer = await ctx.http.get(`${config.prometheus.url}/api/v1/query?query=${encodeURIComponent(config.prometheus.query)}`, 5000)
    const value = answer.status === 200 ? (JSON.parse(answer.body) as {data?: {result?: {value?: [number, string]}[]}}).data?.result?.[0]?.value?.[1] : undefined
    return value === undefined ? undefined : Number(value)
  }
  if (config.metricsPath && base) {
    const answer = await ctx.http.get(`${base}${config.metricsPath}`, 5000)
    if (answer.status !== 200) return undefined
    const {requests, errors} = JSON.parse(answer.body) as {requests?: number; errors?: number}
    return requests ? (errors ?? 0) / requests : 0
  }
  return undefined
}
