import {describe, expect, it} from 'vitest'

import {pylint} from '../../../src/checks/pylint.js'
import {captured, ok, reportOutput} from './recorded.js'

const context = {root: '/home/dev/sandbox/proj'}

describe('pylint argv', () => {
  it('asks for the JSON and the text report (with the score) from one run, and writes no stats', () => {
    expect(pylint.argv(['pkg/a.py', 'ünï côdé.py'], {args: ['--jobs=1']})).toEqual([
      'pylint',
      '--output-format=json,text',
      '--persistent=n',
      '--jobs=1',
      'pkg/a.py',
      'ünï côdé.py',
    ])
    expect(pylint.fileLocal).toBe(false)
  })
})

describe('pylint parse on recorded real outputs', () => {
  it('maps types to severities and 0-based columns to 1-based (rc 30 = error|warning|refactor|convention)', () => {
    const {findings, score} = ok(pylint.parse(captured('pylint', 'json-pkg'), context))
    expect(findings).toHaveLength(24)
    expect(findings[0]).toEqual({
      tool: 'pylint',
      rule: 'syntax-error',
      severity: 'error',
      file: 'pkg/syntax_error.py',
      line: 1,
      column: 13,
      message: "Parsing failed: 'invalid syntax (<unknown>, line 1)' (E0001)",
    })
    expect(findings.filter((f) => f.severity === 'warning')).toHaveLength(10)
    expect(findings.filter((f) => f.severity === 'note')).toHaveLength(13)
    expect(findings.at(-1)).toMatchObject({rule: 'unused-import', file: 'pkg/bad.py', line: 4, column: 1})
    expect(score).toBeUndefined()
  })

  it('reads conventions only (rc 16) and --exit-zero (rc 0) as findings', () => {
    const good = ok(pylint.parse(captured('pylint', 'json-good'), context)).findings
    expect(good.map((f) => [f.rule, f.line, f.column, f.severity])).toEqual([
      ['invalid-name', 4, 9, 'note'],
      ['invalid-name', 4, 17, 'note'],
    ])
    expect(ok(pylint.parse(captured('pylint', 'json-exit-zero'), context)).findings).toHaveLength(21)
  })

  it('reads the text messages, the JSON and the rating cicd asks for (pylint 2.16 capture, rc 31)', () => {
    const {findings, score} = ok(pylint.parse(captured('pylint-2.16-json-text'), {root: '/tmp/ck/proj'}))
    expect(score).toBe(0)
    expect(findings).toHaveLength(27)
    // A file pylint cannot decode is a finding about that file, not a crash of the run.
    expect(findings.find((f) => f.file === 'pkg/latin1.py')).toMatchObject({rule: 'parse-error', severity: 'error', line: 1, column: 1})
    expect(findings.filter((f) => f.file === 'with space/ünï côdé.py').map((f) => f.rule)).toEqual([
      'missing-module-docstring',
      'invalid-name',
      'non-ascii-file-name',
      'multiple-imports',
    ])
  })

  it('reads a JSON report written to a file, and is an error on the text alone (json:FILE,text capture)', () => {
    const report = reportOutput('pylint/generated/json-to-file.report.json', 28)
    expect(ok(pylint.parse(report, context)).findings).toHaveLength(21)
    expect(pylint.parse(captured('pylint', 'json-to-file'), context).kind).toBe('error')
  })

  it('is an error on a fatal message (F0001, rc 1) and names it', () => {
    const result = pylint.parse(captured('pylint', 'json-missing'), context)
    expect(result).toEqual({kind: 'error', message: expect.stringContaining('F0001 nope_module: No module named nope_module')})
  })

  it('is an error when there is no JSON: a crash traceback (json2 on 2.16) or text output', () => {
    const crash = pylint.parse(captured('pylint', 'json2-unsupported'), context)
    expect(crash.kind).toBe('error')
    expect(crash.kind === 'error' && crash.message).toContain('InvalidReporterError: json2')
    expect(pylint.parse(captured('pylint', 'text-bad'), context).kind).toBe('error')
  })

  it('is an error on the usage bit (32), as 2.16 prints it', () => {
    const output = {stdout: '', stderr: 'usage: pylint [options]\npylint: error: Unrecognized option found: no-such-opt\n', exitCode: 32, durationMs: 0}
    const result = pylint.parse(output, context)
    expect(result).toEqual({kind: 'error', message: expect.stringContaining('Unrecognized option found: no-such-opt')})
  })

  it('reads a large real json report (mcp-clipboardify, pylint 3.3, 269 messages)', () => {
    const {findings} = ok(pylint.parse(reportOutput('pylint/mcp-clipboardify-pylint-json.json', 30), {root: '/ci/workspace'}))
    expect(findings).toHaveLength(269)
    expect(findings.filter((f) => f.severity === 'error')).toHaveLength(1)
    expect(findings.filter((f) => f.severity === 'note')).toHaveLength(200)
    expect(findings[0]).toMatchObject({rule: 'trailing-newlines', file: 'src/__init__.py', line: 1, column: 1})
    expect(findings.at(-1)).toMatchObject({rule: 'duplicate-code', file: 'src/mcp_clipboard_server/__main__.py'})
  })

  it('reads json2 (pylint >= 3) with its score, and ignores a score that is an error string', () => {
    const sample = reportOutput('pylint/json2-sample-from-pylint-3.0-whatsnew.json', 16)
    const {findings, score} = ok(pylint.parse(sample, context))
    expect(score).toBe(5)
    expect(findings).toEqual([
      {tool: 'pylint', rule: 'line-too-long', severity: 'note', file: '0123', line: 1, column: 1, message: 'Line too long (1/2) (C0301)'},
    ])
    const report = JSON.parse(sample.stdout) as {statistics: {score: unknown}}
    report.statistics.score = 'An exception occurred while rating: division by zero'
    expect(ok(pylint.parse({...sample, stdout: JSON.stringify(report)}, context)).score).toBeUndefined()
  })

  it('makes absolute paths under the root relative', () => {
    const stdout = JSON.stringify([{type: 'warning', symbol: 'unused-import', message: 'Unused import os', 'message-id': 'W0611', line: 1, column: 0, path: '/repo/with space/ünï.py'}])
    const {findings} = ok(pylint.parse({stdout, stderr: '', exitCode: 4, durationMs: 0}, {root: '/repo'}))
    expect(findings[0].file).toBe('with space/ünï.py')
  })

  it('reads the latest rating line', () => {
    const stdout = '[]\n\n----\nYour code has been rated at 9.25/10 (previous run: 8.00/10, +1.25)\n'
    expect(ok(pylint.parse({stdout, stderr: '', exitCode: 0, durationMs: 0}, context)).score).toBe(9.25)
    // A rating quoted inside a message is not the score.
    const quoted = JSON.stringify([{type: 'info', symbol: 'x', message: 'Your code has been rated at 1.00/10', line: 1, column: 0, path: 'a.py'}], null, 4)
    expect(ok(pylint.parse({stdout: `${quoted}\n`, stderr: '', exitCode: 0, durationMs: 0}, context)).score).toBeUndefined()
  })

  it('reads its version', () => {
    const stdout = 'pylint 2.16.2\nastroid 2.14.2\nPython 3.11.2 (main, Apr 28 2025, 14:11:48) [GCC 12.2.0]\n'
    expect(pylint.parseVersion({stdout, stderr: '', exitCode: 0, durationMs: 0})).toBe('2.16.2')
  })
})
