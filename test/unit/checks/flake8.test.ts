import {describe, expect, it} from 'vitest'

import {flake8} from '../../../src/checks/flake8.js'
import {captured, ok, reportOutput} from './recorded.js'

const context = {root: '/home/dev/sandbox/proj'}

describe('flake8 argv', () => {
  it('fixes the output format, adds the line length only when given, and puts settings.args before the files', () => {
    expect(flake8.argv(['a.py', 'b c.py'], {args: ['--select=E,F']})).toEqual([
      'flake8',
      '--format=default',
      '--select=E,F',
      'a.py',
      'b c.py',
    ])
    expect(flake8.argv(['a.py'], {args: [], maxLineLength: 120})).toEqual(['flake8', '--format=default', '--max-line-length=120', 'a.py'])
  })
})

describe('flake8 parse on recorded real outputs', () => {
  it('reads every violation of the default format, with E999 and F as errors', () => {
    const {findings} = ok(flake8.parse(captured('flake8', 'default'), context))
    expect(findings).toHaveLength(19)
    expect(findings[0]).toEqual({
      tool: 'flake8',
      rule: 'E999',
      severity: 'error',
      file: 'pkg/syntax_error.py',
      line: 1,
      column: 13,
      message: 'SyntaxError: invalid syntax',
    })
    expect(findings.find((f) => f.rule === 'E231')).toMatchObject({file: 'pkg/bad.py', line: 5, column: 10, severity: 'warning'})
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual(['E999', 'F401', 'F401', 'F401', 'F841', 'F841', 'F841'])
  })

  it('ignores the --statistics and --count lines a repository config may add', () => {
    expect(ok(flake8.parse(captured('flake8', 'count-statistics'), context)).findings).toHaveLength(19)
  })

  it('ignores the source and caret lines of show-source', () => {
    const {findings} = ok(flake8.parse(captured('flake8', 'show-source'), context))
    expect(findings).toHaveLength(18)
    expect(findings.every((f) => f.file === 'pkg/bad.py')).toBe(true)
  })

  it('reads violations printed with exit code 0 (--exit-zero) and a clean run', () => {
    expect(ok(flake8.parse(captured('flake8', 'exit-zero'), context)).findings).toHaveLength(18)
    expect(ok(flake8.parse(captured('flake8', 'clean'), context)).findings).toEqual([])
  })

  it('reports E902 (unreadable path, row 0) as an error with no line or column', () => {
    const {findings} = ok(flake8.parse(captured('flake8', 'missing-path'), context))
    expect(findings).toEqual([
      expect.objectContaining({rule: 'E902', severity: 'error', file: 'does_not_exist.py', line: 0, column: 0}),
    ])
  })

  it('is an error on a usage error (exit 2)', () => {
    const result = flake8.parse(captured('flake8', 'bad-option'), context)
    expect(result.kind).toBe('error')
    expect(result.kind === 'error' && result.message).toContain('unrecognized arguments: --no-such-option')
  })

  it('is an error, not a pass, when exit 1 comes with nothing readable (another format, or the report sent to a file)', () => {
    expect(flake8.parse(captured('flake8', 'format-custom'), context).kind).toBe('error')
    expect(flake8.parse(captured('flake8', 'format-pylint'), context).kind).toBe('error')
    expect(flake8.parse(captured('flake8', 'output-file'), context).kind).toBe('error')
  })

  it('reads the report flake8 wrote to --output-file, and the --tee copy with its count line', () => {
    expect(ok(flake8.parse(reportOutput('flake8/generated/output-file.report.txt', 1), context)).findings).toHaveLength(19)
    expect(ok(flake8.parse(captured('flake8', 'output-file-count-tee'), context)).findings).toHaveLength(18)
  })

  it('normalises Windows .\\ paths (roll, 346 violations)', () => {
    const {findings} = ok(flake8.parse(reportOutput('flake8/roll-flake8-report.windows-paths.txt', 1), {root: 'C:\\Users\\dev\\roll'}))
    expect(findings).toHaveLength(346)
    expect(findings[0]).toMatchObject({file: 'land_wizard.py', line: 233, column: 51, rule: 'E262', severity: 'warning'})
    expect(findings.at(-1)).toMatchObject({file: 'xml_code_editor.py', line: 121, column: 5, rule: 'E301'})
    expect(findings.filter((f) => f.severity === 'error')).toHaveLength(6)
    expect(findings.some((f) => f.file.includes('\\') || f.file.startsWith('./'))).toBe(false)
  })

  it('normalises a nested Windows path (ilorest)', () => {
    const {findings} = ok(flake8.parse(reportOutput('flake8/ilorest-flake8.txt', 1), context))
    expect(findings).toEqual([
      {tool: 'flake8', rule: 'F821', severity: 'error', file: 'src/redfish/ris/resp_handler.py', line: 227, column: 74, message: "undefined name 'key'"},
    ])
  })

  it('strips ANSI colour codes and skips the statistics line (etpproto)', () => {
    const {findings} = ok(flake8.parse(reportOutput('flake8/etpproto-flake8-report.E902-statistics.txt', 1), context))
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({rule: 'E902', file: 'py_etp_client', line: 0})
    expect(findings[0].message).toBe("FileNotFoundError: [Errno 2] No such file or directory: 'py_etp_client'")
  })

  it('is an error when flake8 reports a critical failure, even with violations printed', () => {
    const output = {
      ...captured('flake8', 'default'),
      stderr: 'There was a critical error during execution of Flake8:\nplugin code for `E5` failed\n',
    }
    const result = flake8.parse(output, context)
    expect(result.kind).toBe('error')
    expect(result.kind === 'error' && result.message).toContain('plugin code for `E5` failed')
  })

  it('reads its version', () => {
    const stdout = '5.0.4 (mccabe: 0.7.0, pycodestyle: 2.10.0, pyflakes: 2.5.0) CPython 3.11.2 on\nLinux\n'
    expect(flake8.parseVersion({stdout, stderr: '', exitCode: 0, durationMs: 0})).toBe('5.0.4')
  })
})
