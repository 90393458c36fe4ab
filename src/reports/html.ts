// The build report as one self-contained HTML page (inline CSS, no script, no network): the verdict, the
// phases and their checks with durations and statuses, coverage against its threshold, the five security
// gates, and the findings grouped by file with their lines. Meant to be opened rather than read as a log.
import type {Finding} from '../checks/types.js'
import type {CoverageSummary} from '../coverage/cobertura.js'
import {formatPercent} from '../coverage/cobertura.js'
import type {GateResult} from '../gates/evaluate.js'
import type {CheckResult, CheckStatus, RunResult} from '../pipeline/result.js'
import {cleanText} from './text.js'

export interface TestTotals {
  tests: number
  passed: number
  failed: number
  errors: number
  skipped: number
}

export interface ReportData {
  run: RunResult
  runId: string
  coverage?: {summary: CoverageSummary; threshold: number; status: 'passed' | 'failed' | 'warned'}
  tests?: TestTotals
  gates?: GateResult[]
}

function escape(text: string): string {
  return cleanText(text).replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)
}

function seconds(ms: number): string {
  return ms >= 60_000 ? `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s` : `${(ms / 1000).toFixed(1)}s`
}

const STATUS_LABEL: Record<CheckStatus | GateResult['status'], string> = {
  passed: 'passed',
  failed: 'failed',
  warned: 'warning',
  error: 'error',
  skipped: 'skipped',
  pass: 'pass',
  warn: 'warn',
  block: 'block',
  'not-applicable': 'not applicable',
}

const STATUS_CLASS: Record<CheckStatus | GateResult['status'], string> = {
  passed: 'ok',
  pass: 'ok',
  failed: 'bad',
  block: 'bad',
  error: 'bad',
  warned: 'warn',
  warn: 'warn',
  skipped: 'muted',
  'not-applicable': 'muted',
}

function badge(status: CheckStatus | GateResult['status']): string {
  return `<span class="badge ${STATUS_CLASS[status]}">${STATUS_LABEL[status]}</span>`
}

function checkRow(check: CheckResult): string {
  const count = check.findings.length
  const details = [check.toolVersion ? `${escape(check.tool)} ${escape(check.toolVersion)}` : escape(check.tool)]
  if (check.score !== undefined) details.push(`score ${check.score.toFixed(2)}/10`)
  const reason = check.reason ? `<pre class="reason">${escape(check.reason)}</pre>` : ''
  return `<tr><td class="name">${escape(check.id)}<div class="sub">${details.join(' · ')}</div>${reason}</td><td>${badge(check.status)}</td><td class="num">${count}</td><td class="num">${seconds(check.durationMs)}</td></tr>`
}

function phasesSection(run: RunResult): string {
  const phases = run.phases
    .map(
      (phase) => `<section class="phase" data-phase="${escape(phase.id)}">
  <h3><span>${escape(phase.id)}</span>${badge(phase.status)}<span class="duration">${seconds(phase.durationMs)}</span></h3>
  <table><thead><tr><th>Check</th><th>Status</th><th class="num">Findings</th><th class="num">Duration</th></tr></thead>
  <tbody>${phase.checks.map((check) => checkRow(check)).join('')}</tbody></table>
</section>`,
    )
    .join('\n')
  return `<section class="card" id="phases"><h2>Phases</h2>${phases || '<p class="muted-text">No phase ran.</p>'}</section>`
}

function coverageSection(data: ReportData): string {
  if (!data.coverage && !data.tests) return ''
  const tests = data.tests
    ? `<p class="tests"><strong>${data.tests.tests}</strong> tests: ${data.tests.passed} passed, ${data.tests.failed} failed, ${data.tests.errors} errors, ${data.tests.skipped} skipped</p>`
    : ''
  if (!data.coverage) return `<section class="card" id="coverage"><h2>Tests</h2>${tests}</section>`
  const {summary, threshold, status} = data.coverage
  const percent = Math.max(0, Math.min(100, summary.percent))
  const lines = summary.linesValid > 0 ? `${summary.linesCovered} of ${summary.linesValid} lines` : ''
  const branches = summary.branchesValid ? `, ${summary.branchesCovered} of ${summary.branchesValid} branches` : ''
  return `<section class="card" id="coverage"><h2>Tests and coverage</h2>${tests}
  <div class="coverage"><div class="figure ${STATUS_CLASS[status]}">${formatPercent(summary.percent)}</div>
  <div class="meter" role="img" aria-label="coverage ${formatPercent(summary.percent)}, threshold ${threshold}%">
    <div class="fill ${STATUS_CLASS[status]}" style="width:${percent.toFixed(2)}%"></div>
    <div class="threshold" style="left:${threshold}%"><span>${threshold}%</span></div>
  </div>
  <div class="sub">${lines}${branches} · threshold ${threshold}% · ${badge(status)}</div></div>
</section>`
}

function gatesSection(gates: GateResult[] | undefined): string {
  if (!gates) return ''
  const cards = gates
    .map(
      (gate) => `<div class="gate ${STATUS_CLASS[gate.status]}" data-gate="${gate.number}">
  <div class="gate-head"><span class="gate-number">Gate ${gate.number}</span>${badge(gate.status)}</div>
  <div class="gate-title">${escape(gate.title)}</div>
  <ul>${gate.reasons.map((reason) => `<li>${escape(reason)}</li>`).join('')}</ul>
</div>`,
    )
    .join('\n')
  return `<section class="card" id="gates"><h2>Security gates</h2><div class="gates">${cards}</div></section>`
}

function findingsSection(run: RunResult): string {
  const findings = run.phases.flatMap((phase) => phase.checks.flatMap((check) => check.findings.map((finding) => ({finding, check}))))
  if (findings.length === 0) return `<section class="card" id="findings"><h2>Findings</h2><p class="muted-text">No findings.</p></section>`
  const byFile = new Map<string, {finding: Finding; check: CheckResult}[]>()
  for (const entry of findings) {
    const file = entry.finding.file || '(no file)'
    byFile.set(file, [...(byFile.get(file) ?? []), entry])
  }
  const files = [...byFile.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([file, entries]) => {
      const rows = entries
        .sort((a, b) => a.finding.line - b.finding.line || a.finding.column - b.finding.column)
        .map(({finding, check}) => {
          const where = finding.line > 0 ? `${finding.line}${finding.column > 0 ? `:${finding.column}` : ''}` : '–'
          return `<tr class="${check.status === 'failed' ? 'blocking' : ''}"><td class="num loc">${where}</td><td><span class="sev ${finding.severity}">${finding.severity}</span></td><td>${escape(finding.tool)}</td><td class="rule">${escape(finding.rule)}</td><td>${escape(finding.message)}</td></tr>`
        })
        .join('')
      return `<details open><summary><span class="file">${escape(file)}</span><span class="count">${entries.length}</span></summary>
  <table><thead><tr><th class="num">Line</th><th>Severity</th><th>Tool</th><th>Rule</th><th>Message</th></tr></thead><tbody>${rows}</tbody></table></details>`
    })
    .join('\n')
  return `<section class="card" id="findings"><h2>Findings <span class="count">${findings.length}</span></h2>${files}</section>`
}

const STYLE = `
:root{--bg:#f5f6f8;--card:#fff;--ink:#1d2330;--muted:#6b7385;--line:#e3e6ec;--ok:#1a7f4b;--ok-bg:#e3f4ea;--warn:#9a6200;--warn-bg:#fff2d6;--bad:#b42318;--bad-bg:#fde6e4;--mute-bg:#eef0f3}
*{box-sizing:border-box}body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{padding:28px 40px;color:#fff;background:linear-gradient(120deg,#1f2a44,#2f4670)}header.bad{background:linear-gradient(120deg,#5c1a14,#9b2c1f)}header.ok{background:linear-gradient(120deg,#0f4d33,#1d7a52)}
header h1{margin:0 0 6px;font-size:24px}header .meta{opacity:.85;font-size:13px}header .meta span{margin-right:18px}
main{max-width:1180px;margin:0 auto;padding:24px 40px 60px}.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 22px;margin-bottom:20px;box-shadow:0 1px 2px rgba(20,30,50,.04)}
h2{font-size:17px;margin:0 0 14px}h3{display:flex;align-items:center;gap:10px;font-size:15px;margin:16px 0 8px;text-transform:capitalize}h3 .duration{color:var(--muted);font-weight:400;font-size:13px;margin-left:auto}
table{width:100%;border-collapse:collapse}.phase table{table-layout:fixed}.phase th:first-child{width:60%}th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}th{font-size:12px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.03em}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}.name{font-weight:600}.sub{font-weight:400;color:var(--muted);font-size:12px}
pre.reason{margin:6px 0 0;padding:8px 10px;background:#f7f8fa;border-radius:6px;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;font-weight:400;max-height:220px;overflow:auto}
.badge{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.03em}
.badge.ok{color:var(--ok);background:var(--ok-bg)}.badge.warn{color:var(--warn);background:var(--warn-bg)}.badge.bad{color:var(--bad);background:var(--bad-bg)}.badge.muted{color:var(--muted);background:var(--mute-bg)}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}.stat{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px}.stat .v{font-size:22px;font-weight:700}.stat .k{color:var(--muted);font-size:12px;text-transform:uppercase}
.coverage{display:grid;grid-template-columns:130px 1fr;gap:6px 18px;align-items:center}.coverage .figure{font-size:32px;font-weight:700}.coverage .figure.ok{color:var(--ok)}.coverage .figure.bad{color:var(--bad)}.coverage .figure.warn{color:var(--warn)}
.coverage .sub{grid-column:2}.meter{position:relative;height:14px;background:var(--mute-bg);border-radius:7px}.fill{height:100%;border-radius:7px}.fill.ok{background:var(--ok)}.fill.bad{background:var(--bad)}.fill.warn{background:#d99a00}
.threshold{position:absolute;top:-6px;bottom:-6px;border-left:2px dashed var(--ink)}.threshold span{position:absolute;top:-18px;left:-14px;font-size:11px;color:var(--muted)}
.gates{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px}.gate{border:1px solid var(--line);border-top:4px solid var(--muted);border-radius:8px;padding:12px 14px}
.gate.ok{border-top-color:var(--ok)}.gate.warn{border-top-color:#d99a00}.gate.bad{border-top-color:var(--bad)}.gate-head{display:flex;justify-content:space-between;align-items:center}.gate-number{color:var(--muted);font-size:12px;text-transform:uppercase}
.gate-title{font-weight:700;margin:6px 0}.gate ul{margin:0;padding-left:18px;color:#394150;font-size:13px}
details{border:1px solid var(--line);border-radius:8px;margin-bottom:10px;overflow:hidden}summary{cursor:pointer;padding:9px 14px;background:#fafbfc;display:flex;justify-content:space-between;font-weight:600}
.file{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}.count{background:var(--mute-bg);border-radius:999px;padding:0 9px;font-size:12px;color:var(--muted)}.rule{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;white-space:nowrap}
.sev{font-size:12px;font-weight:600}.sev.error{color:var(--bad)}.sev.warning{color:var(--warn)}.sev.note{color:var(--muted)}tr.blocking td.loc{box-shadow:inset 3px 0 var(--bad)}.muted-text{color:var(--muted)}
footer{color:var(--muted);font-size:12px;text-align:center;padding-bottom:30px}
`

export function renderHtml(data: ReportData): string {
  const {run} = data
  const checks = run.phases.flatMap((phase) => phase.checks)
  const findings = checks.reduce((sum, check) => sum + check.findings.length, 0)
  const verdict = run.ok ? 'Passed' : 'Failed'
  const stat = (value: string, label: string) => `<div class="stat"><div class="v">${value}</div><div class="k">${label}</div></div>`
  const stats = [
    stat(verdict, `exit code ${run.exitCode}`),
    stat(seconds(run.durationMs), 'duration'),
    stat(String(checks.length), 'checks'),
    stat(String(findings), 'findings'),
    ...(data.coverage ? [stat(formatPercent(data.coverage.summary.percent), `coverage (≥ ${data.coverage.threshold}%)`)] : []),
    ...(data.gates ? [stat(`${data.gates.filter((g) => g.status === 'pass').length}/${data.gates.filter((g) => g.status !== 'not-applicable').length}`, 'gates passed')] : []),
  ]
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>cicd check ${escape(verdict.toLowerCase())} · ${escape(data.runId)}</title><style>${STYLE}</style></head>
<body><header class="${run.ok ? 'ok' : 'bad'}"><h1>cicd check: ${verdict}</h1>
<div class="meta"><span>run ${escape(data.runId)}</span><span>started ${escape(run.startedAt)}</span><span>runner ${escape(run.runner)}</span><span>${escape(run.root)}</span></div></header>
<main><section class="summary">${stats.join('')}</section><br>
${phasesSection(run)}
${coverageSection(data)}
${gatesSection(data.gates)}
${findingsSection(run)}
</main><footer>Written by cicd · the same checks CI runs</footer></body></html>
`
}
