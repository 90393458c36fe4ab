// bandit `-f json`: results and per-file errors in one JSON document on stdout (`-q` drops the INFO log
// lines from stderr; it changes nothing in the report). Severity: HIGH -> error, MEDIUM -> warning, LOW and
// UNDEFINED -> note. col_offset is 0-based (and absent before bandit 1.7.1): +1, or 0 when absent. Each
// `errors[]` entry (a file with a syntax error, one bandit could not decode or find) is a `bandit-error`
// finding about that file: bandit skipped it, and says so without changing its exit code.
// Exit codes: 0 nothing at the configured levels, 1 issues, 2 usage/config/profile error; missing or
// invalid JSON is a crash.
import type {CheckDefinition, Finding, ParseResult, Severity} from './types.js'
import {asOperand, toRepoPath} from './paths.js'
import {matchVersion, readJsonReport, toolError} from './tool-output.js'

interface BanditIssue {
  filename: string
  test_id: string
  test_name?: string
  issue_severity?: string
  issue_confidence?: string
  issue_text?: string
  line_number?: number
  col_offset?: number
}

interface BanditReport {
  results: BanditIssue[]
  errors?: Array<{filename: string; reason: string}>
}

function severityOf(level: string | undefined): Severity {
  if (level === 'HIGH') return 'error'
  return level === 'MEDIUM' ? 'warning' : 'note'
}

function isReport(value: unknown): value is BanditReport {
  return value !== null && typeof value === 'object' && Array.isArray((value as {results?: unknown}).results)
}

export const bandit: CheckDefinition = {
  id: 'bandit',
  tool: 'bandit',
  phase: 'static',
  inputs: 'python',
  fileLocal: true,
  configFiles: ['.bandit', 'pyproject.toml'],
  argv(files, settings) {
    return ['bandit', '-f', 'json', '-q', ...settings.args, ...files.map(asOperand)]
  },
  parse(output, context): ParseResult {
    if (output.exitCode !== 0 && output.exitCode !== 1) return toolError('bandit', output)
    const report = readJsonReport(output.stdout)
    if (!report.ok || !isReport(report.value)) {
      return toolError('bandit', output, 'bandit printed no complete JSON report')
    }
    const issues: Finding[] = report.value.results.map((issue) => ({
      tool: 'bandit',
      rule: issue.test_id,
      severity: severityOf(issue.issue_severity),
      file: toRepoPath(issue.filename, context.root),
      line: issue.line_number ?? 0,
      column: typeof issue.col_offset === 'number' ? issue.col_offset + 1 : 0,
      message: `${issue.test_name ?? issue.test_id}: ${issue.issue_text ?? ''} (confidence ${issue.issue_confidence ?? 'UNDEFINED'})`,
    }))
    const skipped: Finding[] = (report.value.errors ?? []).map((error) => ({
      tool: 'bandit',
      rule: 'bandit-error',
      severity: 'error',
      file: toRepoPath(error.filename, context.root),
      line: 0,
      column: 0,
      message: `bandit could not scan this file: ${error.reason}`,
    }))
    return {kind: 'findings', findings: [...issues, ...skipped]}
  },
  versionArgv: ['--version'],
  // "bandit 1.6.2\n  python version = 3.11.2 …"
  parseVersion: (output) => matchVersion(output, /^bandit (\S+)/m),
}
