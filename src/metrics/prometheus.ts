// The metrics in Prometheus' text exposition format (prom-client, imported lazily), for node_exporter's
// textfile collector or a Pushgateway. Names and labels are stable and documented in docs/metrics.md:
// base units (seconds, ratios 0..1), one gauge per metric labelled {environment, window}, its target as
// cicd_metric_target{metric}, and whether it is met as cicd_metric_target_met{metric}. A metric without a
// value in the window has no sample, so "no data" never reads as zero.
import type {Registry} from 'prom-client'

import type {MetricId} from './compute.js'
import type {MetricsReport} from './report.js'

interface Family {
  name: string
  help: string
  /** From the dashboard's unit to the base unit. */
  scale: number
}

export const PROMETHEUS_FAMILIES: Record<MetricId, Family> = {
  buildSuccessRate: {name: 'cicd_build_success_ratio', help: 'Passed builds / builds in the window (0..1).', scale: 0.01},
  avgBuildMinutes: {name: 'cicd_build_duration_seconds_mean', help: 'Mean build duration in the window, in seconds.', scale: 60},
  deploymentsPerMonth: {name: 'cicd_deployments_per_30d', help: 'Successful deployments in the window, per 30 days.', scale: 1},
  leadTimeHours: {name: 'cicd_lead_time_seconds_median', help: 'Median lead time for changes (deployment finish minus commit time), in seconds.', scale: 3600},
  deploymentSuccessRate: {name: 'cicd_deployment_success_ratio', help: 'Successful deployments / deployments in the window (0..1).', scale: 0.01},
  coverage: {name: 'cicd_test_coverage_ratio', help: "The newest build's line coverage (0..1).", scale: 0.01},
  codeQuality: {name: 'cicd_code_quality_score', help: "The newest build's pylint score (0..10).", scale: 1},
  securityScore: {name: 'cicd_security_score_ratio', help: 'Passed security gates / evaluated security gates over the window\'s builds (0..1).', scale: 0.01},
  mttrMinutes: {name: 'cicd_time_to_restore_seconds_mean', help: 'Mean time from a failure to the next verified release, in seconds.', scale: 60},
  changeFailureRate: {name: 'cicd_change_failure_ratio', help: 'Distinct deployments rolled back or linked to an incident / deployments (0..1).', scale: 0.01},
  availability: {name: 'cicd_availability_ratio', help: 'Passed health probes / health probes in the window (0..1).', scale: 0.01},
}

export async function metricsRegistry(report: MetricsReport): Promise<Registry> {
  const {Gauge, Registry} = await import('prom-client')
  const registry = new Registry()
  const labels = {environment: report.environment, window: report.window.label}
  const target = new Gauge({name: 'cicd_metric_target', help: 'The configured target of each metric, in the metric\'s base unit.', labelNames: ['environment', 'window', 'metric'], registers: [registry]})
  const met = new Gauge({name: 'cicd_metric_target_met', help: '1 when the metric meets its target, 0 when it does not (no sample without a value).', labelNames: ['environment', 'window', 'metric'], registers: [registry]})
  for (const metric of report.metrics) {
    const family = PROMETHEUS_FAMILIES[metric.id]
    const gauge = new Gauge({name: family.name, help: family.help, labelNames: ['environment', 'window'], registers: [registry]})
    if (metric.value !== null) gauge.set(labels, metric.value * family.scale)
    target.set({...labels, metric: family.name}, metric.target * family.scale)
    if (metric.met !== null) met.set({...labels, metric: family.name}, metric.met ? 1 : 0)
  }
  const counts = new Gauge({name: 'cicd_window_events', help: 'Events counted in the window, by kind.', labelNames: ['environment', 'window', 'kind'], registers: [registry]})
  for (const [kind, value] of Object.entries(report.counts)) counts.set({...labels, kind: kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}, value)
  new Gauge({name: 'cicd_metrics_generated_timestamp_seconds', help: 'When cicd computed these metrics (end of the window).', labelNames: ['environment', 'window'], registers: [registry]}).set(labels, Date.parse(report.window.end) / 1000)
  return registry
}

export async function prometheusText(report: MetricsReport): Promise<string> {
  return (await metricsRegistry(report)).metrics()
}
