import {describe, expect, it} from 'vitest'

import {bandit} from '../../../src/checks/bandit.js'
import {captured, ok, reportOutput} from './recorded.js'

const context = {root: '/home/dev/sandbox/proj'}

describe('bandit argv', () => {
  it('asks for JSON, quiet logs, settings.args before the files', () => {
    expect(bandit.argv(['a.py', 'b c.py'], {args: ['-ll']})).toEqual(['bandit', '-f', 'json', '-q', '-ll', 'a.py', 'b c.py'])
  })
})

describe('bandit parse on recorded real outputs', () => {
  it('reads results and the syntax-error file of a 1.6.2 run (float metrics, no col_offset, rc 1)', () => {
    const {findings} = ok(bandit.parse(captured('bandit', 'json-r'), context))
    expect(findings.map((f) => [f.rule, f.file, f.line, f.column, f.severity])).toEqual([
      ['B404', 'pkg/bad.py', 2, 0, 'note'],
      ['B307', 'pkg/bad.py', 9, 0, 'warning'],
      ['B602', 'pkg/bad.py', 10, 0, 'error'],
      ['bandit-error', 'pkg/syntax_error.py', 0, 0, 'error'],
    ])
    expect(findings[2].message).toContain('subprocess_popen_with_shell_equals_true')
    expect(findings[3].message).toBe('bandit could not scan this file: syntax error while parsing AST from file')
  })

  it('reads a clean run, and files it skipped without changing the exit code (rc 0)', () => {
    expect(ok(bandit.parse(captured('bandit', 'json-clean'), context)).findings).toEqual([])
    expect(ok(bandit.parse(captured('bandit', 'json-syntax-only'), context)).findings).toEqual([
      expect.objectContaining({rule: 'bandit-error', file: 'pkg/syntax_error.py'}),
    ])
    expect(ok(bandit.parse(captured('bandit', 'json-missing'), context)).findings).toEqual([
      expect.objectContaining({rule: 'bandit-error', file: 'nope.py', message: 'bandit could not scan this file: No such file or directory'}),
    ])
  })

  it('is an error on a usage error (rc 2, --exit-zero unknown to 1.6.2)', () => {
    const result = bandit.parse(captured('bandit', 'json-exit-zero'), context)
    expect(result).toEqual({kind: 'error', message: expect.stringContaining('unrecognized arguments: --exit-zero')})
  })

  it('is an error on truncated or missing JSON', () => {
    const whole = reportOutput('bandit/vulnflask-bandit-report.json', 1)
    const truncated = {...whole, stdout: whole.stdout.slice(0, Math.floor(whole.stdout.length / 2))}
    expect(bandit.parse(truncated, context)).toEqual({kind: 'error', message: expect.stringContaining('no complete JSON report')})
    expect(bandit.parse({stdout: '', stderr: 'Traceback (most recent call last):\nMemoryError\n', exitCode: 1, durationMs: 0}, context)).toEqual({
      kind: 'error',
      message: expect.stringContaining('MemoryError'),
    })
  })

  it('converts 0-based col_offset and normalises Windows .\\ paths (bandit 1.9.4 on Windows)', () => {
    const {findings} = ok(bandit.parse(reportOutput('bandit/bandit-report.trimmed.json', 1), {root: 'C:\\work\\bandit-demo'}))
    expect(findings).toHaveLength(20)
    const app = findings.filter((f) => f.file === 'app.py')
    expect(app.map((f) => [f.rule, f.line, f.column, f.severity])).toEqual([
      ['B404', 9, 1, 'note'],
      ['B105', 16, 15, 'note'],
      ['B107', 21, 1, 'note'],
      ['B324', 31, 12, 'error'],
      ['B311', 37, 12, 'note'],
      ['B602', 43, 5, 'error'],
      ['B108', 48, 13, 'warning'],
    ])
    expect(findings.find((f) => f.rule === 'B613')).toMatchObject({file: '.venv/Lib/site-packages/bandit/plugins/trojansource.py', line: 22, column: 37})
    expect(findings.filter((f) => f.severity === 'error')).toHaveLength(5)
  })

  it('reads a modern Linux CI report (vulnflask, bandit 1.8.6)', () => {
    const {findings} = ok(bandit.parse(reportOutput('bandit/vulnflask-bandit-report.json', 1), context))
    expect(findings.map((f) => [f.rule, f.line, f.column])).toEqual([
      ['B105', 11, 18],
      ['B110', 72, 5],
      ['B608', 100, 15],
      ['B608', 116, 25],
      ['B201', 132, 5],
      ['B104', 132, 18],
    ])
    expect(findings.every((f) => f.file === 'app/app.py')).toBe(true)
  })

  it('reads a 2019 report with float metrics and no columns (oauthlib)', () => {
    const {findings} = ok(bandit.parse(reportOutput('bandit/oauthlib-bandit-1.6-era.json', 1), context))
    expect(findings).toHaveLength(13)
    expect(findings[0]).toMatchObject({rule: 'B303', file: 'oauthlib/oauth1/rfc5849/__init__.py', line: 184, column: 0, severity: 'warning'})
    expect(findings.filter((f) => f.severity === 'note')).toHaveLength(12)
  })

  it('reads its version', () => {
    expect(bandit.parseVersion({stdout: 'bandit 1.6.2\n  python version = 3.11.2\n', stderr: '', exitCode: 0, durationMs: 0})).toBe('1.6.2')
  })
})
