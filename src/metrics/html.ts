// The HTML dashboard: one self-contained page (inline CSS and SVG, no script, nothing fetched) with a tile
// per metric (value, bar, target, trend) and charts over the window: builds, build time, deployments,
// coverage and code quality, availability.
import type {MetricGroup, MetricValue} from './compute.js'
import {barFraction, formatTarget, formatValue, trendArrow} from './format.js'
import {noDataHelp, type MetricsReport} from './report.js'
import {escapeHtml, lines, stackedBars} from './svg.js'

const GREEN = '#2e7d32'
const RED = '#c62828'
const BLUE = '#1565c0'
const AMBER = '#ef6c00'

function tile(metric: MetricValue): string {
  const state = metric.met === null ? 'none' : metric.met ? 'met' : 'missed'
  const trend =
    metric.trend === null ? '' : `<div class="trend ${metric.improving === null ? '' : metric.improving ? 'better' : 'worse'}">${trendArrow(metric)} was ${escapeHtml(formatValue(metric, metric.previous))}</div>`
  return `<div class="tile ${state}" data-metric="${metric.id}">
<div class="label">${escapeHtml(metric.label)}</div>
<div class="value">${escapeHtml(formatValue(metric, metric.value))}</div>
<div class="bar"><span style="width:${(barFraction(metric) * 100).toFixed(1)}%"></span></div>
<div class="target">Target ${escapeHtml(formatTarget(metric))}</div>${trend}
<div class="basis">${escapeHtml(metric.basis)}</div>
</div>`
}

function charts(report: MetricsReport): string {
  const days = report.series.days
  const labels = days.map((d) => d.day.slice(5))
  const buildLabels = report.series.builds.map((b) => b.at.slice(5, 10))
  const section = (title: string, svg: string) => `<section class="chart"><h3>${escapeHtml(title)}</h3>${svg}</section>`
  return [
    section('Builds per day', stackedBars('chart-builds', labels, [
      {name: 'passed', color: GREEN, values: days.map((d) => d.buildsPassed)},
      {name: 'failed', color: RED, values: days.map((d) => d.buildsFailed)},
    ])),
    section('Average build time (minutes)', lines('chart-build-time', labels, [{name: 'build minutes', color: BLUE, values: days.map((d) => d.buildMinutes)}], 'm')),
    section(`Deployments to ${report.environment} per day`, stackedBars('chart-deployments', labels, [
      {name: 'successful', color: GREEN, values: days.map((d) => d.deploymentsOk)},
      {name: 'failed', color: RED, values: days.map((d) => d.deploymentsFailed)},
    ])),
    section('Coverage (%) and code quality (pylint score × 10)', lines('chart-quality', buildLabels, [
      {name: 'coverage %', color: BLUE, values: report.series.builds.map((b) => b.coverage)},
      {name: 'pylint × 10', color: AMBER, values: report.series.builds.map((b) => (b.pylintScore === null ? null : b.pylintScore * 10))},
    ], '', 100)),
    section('Availability (%)', lines('chart-availability', labels, [{name: 'availability %', color: GREEN, values: days.map((d) => d.availability)}], '%', 100)),
  ].join('\n')
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}h3{font-size:14px;margin:0 0 6px}
.sub{color:#666}.warn{background:#fff3e0;border-left:4px solid ${AMBER};padding:8px 12px;margin:12px 0}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}
.tile{background:#fff;border:1px solid #ddd;border-top:4px solid #999;padding:10px 12px;border-radius:4px}
.tile.met{border-top-color:${GREEN}}.tile.missed{border-top-color:${AMBER}}
.label{color:#555}.value{font-size:28px;font-weight:600}.target,.basis{color:#666;font-size:12px}
.bar{height:8px;background:#eee;border-radius:4px;margin:4px 0}.bar span{display:block;height:100%;background:${BLUE};border-radius:4px}
.trend{font-size:12px}.trend.better{color:${GREEN}}.trend.worse{color:${RED}}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:16px}
.chart{background:#fff;border:1px solid #ddd;padding:10px;border-radius:4px}
svg{width:100%;height:auto}svg text{font-size:11px;fill:#555}.grid{stroke:#eee}
.legend{font-size:12px;color:#555}.key{margin-right:12px}.key i{display:inline-block;width:10px;height:10px;margin-right:4px}
pre{background:#fff;border:1px solid #ddd;padding:12px}`

export function renderHtmlDashboard(report: MetricsReport): string {
  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cicd metrics: ${escapeHtml(report.environment)}</title><style>${STYLE}</style></head><body>
<h1>cicd metrics: ${escapeHtml(report.environment)}</h1>
<div class="sub">Last ${escapeHtml(report.window.label)}: ${escapeHtml(report.window.start.slice(0, 16).replace('T', ' '))} to ${escapeHtml(report.window.end.slice(0, 16).replace('T', ' '))} UTC; trends compare with the window before.</div>
${report.warnings.map((w) => `<div class="warn">${escapeHtml(w)}</div>`).join('\n')}`
  if (report.empty) return `${head}\n<pre id="no-data">${escapeHtml(noDataHelp(report.environment).join('\n'))}</pre></body></html>\n`
  const groups = [...new Set(report.metrics.map((m) => m.group))] as MetricGroup[]
  const tiles = groups.map((group) => `<h2>${group}</h2><div class="tiles">${report.metrics.filter((m) => m.group === group).map(tile).join('\n')}</div>`).join('\n')
  return `${head}
${tiles}
<h2>Over time</h2><div class="charts">
${charts(report)}
</div>
<p class="sub">${report.counts.builds} builds (${report.counts.failedBuilds} failed), ${report.counts.deployments} deployments, ${report.counts.failures} failures, ${report.counts.probes} health probes in the window. Definitions: docs/metrics.md.</p>
</body></html>
`
}
