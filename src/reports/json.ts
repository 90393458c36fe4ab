// The --json document (stdout or `--report json=FILE`): the run result with a fixed key order, so two runs
// with the same findings print byte-identical documents apart from timings.
import type {Finding} from '../checks/types.js'
import type {CheckResult, PhaseResult, RunResult} from '../pipeline/result.js'

function findingJson(finding: Finding) {
  const {tool, rule, severity, file, line, column, message} = finding
  return {tool, rule, severity, file, line, column, message}
}

function checkJson(check: CheckResult) {
  return {
    id: check.id,
    tool: check.tool,
    phase: check.phase,
    status: check.status,
    gate: check.gate,
    cached: check.cached,
    durationMs: check.durationMs,
    // Optional fields stay absent rather than null; JSON.stringify drops undefined values.
    toolPath: check.toolPath,
    toolVersion: check.toolVersion,
    exitCode: check.exitCode,
    score: check.score,
    reason: check.reason,
    tests: check.tests,
    coverage: check.coverage,
    findings: check.findings.map((finding) => findingJson(finding)),
  }
}

function phaseJson(phase: PhaseResult) {
  return {id: phase.id, status: phase.status, durationMs: phase.durationMs, checks: phase.checks.map((check) => checkJson(check))}
}

export function renderJson(result: RunResult): string {
  const document = {
    ok: result.ok,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    runner: result.runner,
    runnerStartMs: result.runnerStartMs,
    root: result.root,
    startedAt: result.startedAt,
    phases: result.phases.map((phase) => phaseJson(phase)),
    gates: result.gates,
    reportDir: result.reportDir,
    replayOf: result.replayOf,
  }
  return `${JSON.stringify(document, null, 2)}\n`
}
