// A hand-built run covering every check status, unknown lines and columns, paths with spaces and non-ASCII
// characters, and messages with XML-hostile and control characters.
import type {Finding} from '../../../src/checks/types.js'
import type {CheckResult, RunResult} from '../../../src/pipeline/result.js'

export const HOSTILE_MESSAGE = 'compare <a> & "b" \u001B[31mred\u001B[0m bell\u0007 ünï'
/** What a report shows of it: escape sequences and control characters gone, the rest intact. */
export const HOSTILE_MESSAGE_SHOWN = 'compare <a> & "b" red bell ünï'
export const UNICODE_FILE = 'src/my pkg/módulo ü.py'

function finding(tool: string, rule: string, file: string, line: number, column: number, message: string, severity: Finding['severity'] = 'warning'): Finding {
  return {tool, rule, severity, file, line, column, message}
}

function check(id: string, overrides: Partial<CheckResult>): CheckResult {
  return {id, tool: id, phase: 'static', status: 'passed', cached: false, durationMs: 1250, findings: [], gate: 'block', ...overrides}
}

export function sampleRun(): RunResult {
  const flake8 = check('flake8', {
    status: 'failed',
    toolPath: '/usr/bin/flake8',
    toolVersion: '5.0.4',
    exitCode: 1,
    findings: [
      finding('flake8', 'F401', 'src/pkg/module.py', 3, 1, "'os' imported but unused"),
      finding('flake8', 'E501', UNICODE_FILE, 10, 121, HOSTILE_MESSAGE),
      finding('flake8', 'E501', UNICODE_FILE, 12, 121, HOSTILE_MESSAGE),
      finding('flake8', 'W292', 'src/pkg/module.py', 5, 0, 'no newline at end of file'),
    ],
  })
  const pylint = check('pylint', {
    status: 'warned',
    gate: 'warn',
    toolVersion: '2.16.2',
    score: 8.5,
    findings: [
      finding('pylint', 'missing-module-docstring', 'dags/etl.py', 1, 1, 'Missing module docstring', 'note'),
      finding('pylint', 'duplicate-code', 'src/a.b/c.py', 0, 0, 'Similar lines in 2 files', 'note'),
    ],
  })
  const black = check('black', {
    status: 'failed',
    toolVersion: '23.1.0',
    findings: [finding('black', 'would-reformat', 'src/pkg/module.py', 0, 0, 'would reformat src/pkg/module.py')],
  })
  const isort = check('isort', {status: 'error', exitCode: 2, reason: 'isort crashed: Traceback <module> & "quotes"'})
  const bandit = check('bandit', {toolVersion: '1.6.2'})
  const safety = check('safety', {
    status: 'warned',
    gate: 'warn',
    findings: [finding('safety', '51457', 'requirements.txt', 0, 0, 'py 1.11.0: ReDoS in the py.path.svnwc component', 'error')],
  })
  const pipAudit = check('pip-audit', {status: 'skipped', reason: 'dependencies.provider is safety'})
  const pytest = check('pytest', {phase: 'test', durationMs: 4000})
  return {
    ok: false,
    exitCode: 1,
    durationMs: 9876,
    runner: 'local',
    root: '/home/dev/data platform',
    startedAt: '2024-05-01T10:00:00.123Z',
    phases: [
      {id: 'static', status: 'failed', durationMs: 5000, checks: [flake8, pylint, black, isort, bandit, safety, pipAudit]},
      {id: 'test', status: 'passed', durationMs: 4000, checks: [pytest]},
    ],
  }
}
