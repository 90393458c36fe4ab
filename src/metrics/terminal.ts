// The dashboard in the terminal, laid out like the design's "KEY METRICS": one section per group, a bar,
// the value, the target and the trend against the previous window.
import type {ChalkInstance} from 'chalk'

import type {MetricGroup, MetricValue} from './compute.js'
import {barFraction, formatTarget, formatValue, trendArrow} from './format.js'
import {noDataHelp, type MetricsReport} from './report.js'

const BAR_WIDTH = 14
const GROUP_TITLES: Record<MetricGroup, string> = {Build: 'Build Metrics', Deployment: 'Deployment Metrics', Quality: 'Quality Metrics', Performance: 'Performance Metrics'}

function bar(metric: MetricValue): string {
  const full = Math.round(barFraction(metric) * BAR_WIDTH)
  return `${'█'.repeat(full)}${'░'.repeat(BAR_WIDTH - full)}`
}

function line(metric: MetricValue, color: ChalkInstance): string {
  const value = formatValue(metric, metric.value).padEnd(7)
  const paint = metric.met === null ? color.dim : metric.met ? color.green : color.yellow
  const trend = metric.trend === null ? '' : `  Trend: ${trendArrow(metric)}${metric.previous === null ? '' : ` (was ${formatValue(metric, metric.previous)})`}`
  const basis = metric.value === null ? color.dim(`  (${metric.basis})`) : ''
  return `${`${metric.label}:`.padEnd(21)}${paint(bar(metric))} ${paint(value)} Target: ${formatTarget(metric).padEnd(8)}${trend}${basis}`
}

export function renderDashboard(report: MetricsReport, color: ChalkInstance): string[] {
  const lines = [`KEY METRICS: ${report.environment}, last ${report.window.label} (${report.window.start.slice(0, 10)} to ${report.window.end.slice(0, 10)})`, '']
  if (report.empty) return [...lines, ...noDataHelp(report.environment)]
  for (const group of Object.keys(GROUP_TITLES) as MetricGroup[]) {
    lines.push(`${GROUP_TITLES[group]}:`, '─'.repeat(GROUP_TITLES[group].length + 1))
    for (const metric of report.metrics.filter((m) => m.group === group)) lines.push(line(metric, color))
    if (group === 'Build') lines.push(`${'Failed Builds:'.padEnd(21)}${report.counts.failedBuilds}/${report.counts.builds}`)
    if (group === 'Deployment' && report.counts.deployments === 0) lines.push(color.dim(`No deployments to ${report.environment} in this window.`))
    lines.push('')
  }
  return lines
}
