import {describe, expect, it} from 'vitest'

import {isort} from '../../../src/checks/isort.js'
import {captured, ok, unwrapTaifishing} from './recorded.js'

const context = {root: '/home/dev/sandbox/proj'}

describe('isort argv', () => {
  it('checks and diffs, settings.args before the files', () => {
    expect(isort.argv(['a.py'], {args: ['--profile=black']})).toEqual(['isort', '--check-only', '--diff', '--filter-files', '--profile=black', 'a.py'])
  })
})

describe('isort parse on recorded real outputs', () => {
  it('makes one finding per hunk, with the absolute :before path made relative (check-diff, rc 1)', () => {
    const {findings} = ok(isort.parse(captured('isort', 'check-diff'), context))
    expect(findings).toEqual([
      {
        tool: 'isort',
        rule: 'import-order',
        severity: 'warning',
        file: 'pkg/bad.py',
        line: 1,
        column: 0,
        message: 'Imports are incorrectly sorted and/or formatted (lines 1-7)',
      },
    ])
  })

  it('reports files named only by an ERROR line (no diff) at line 0, --quiet included', () => {
    for (const name of ['check-only', 'check-quiet']) {
      const {findings} = ok(isort.parse(captured('isort', name), context))
      expect(findings).toEqual([expect.objectContaining({rule: 'import-order', file: 'pkg/bad.py', line: 0})])
    }
  })

  it('reads a clean run, a file with a syntax error (isort does not parse code: rc 0), and a diff with rc 0', () => {
    expect(ok(isort.parse(captured('isort', 'check-clean'), context)).findings).toEqual([])
    expect(ok(isort.parse(captured('isort', 'check-syntax-error'), context)).findings).toEqual([])
    expect(ok(isort.parse(captured('isort', 'diff-only'), context)).findings).toHaveLength(1)
  })

  it('is an error on "Broken N paths"', () => {
    const result = isort.parse(captured('isort', 'check-missing'), context)
    expect(result).toEqual({kind: 'error', message: expect.stringContaining('isort could not find 1 of the paths')})
  })

  it('reads three files of a real CI run (TaifishingV4), each at its first changed line', () => {
    const output = unwrapTaifishing('isort/taifishing-isort-check-diff.wrapped.txt', 1)
    const {findings} = ok(isort.parse(output, {root: '/Users/shiyijiufei/TaifishingV4'}))
    expect(findings.map((f) => [f.file, f.line])).toEqual([
      ['app/utils/enhanced_logger.py', 8],
      ['app/routes/instances.py', 6],
      ['app/routes/account_sync.py', 6],
    ])
  })

  it('reports a file isort could not decode as a cannot-parse error (isort 5.6 warning, as printed here)', () => {
    const output = {
      stdout: '',
      stderr:
        "/usr/lib/python3/dist-packages/isort/main.py:106: UserWarning: Unable to parse file pkg/latin1.py due to 'utf-8' codec can't decode byte 0xe9 in position 29: invalid continuation byte\n" +
        '  warn(f"Unable to parse file {file_name} due to {error}")\n',
      exitCode: 0,
      durationMs: 0,
    }
    expect(ok(isort.parse(output, context)).findings).toEqual([
      expect.objectContaining({rule: 'cannot-parse', severity: 'error', file: 'pkg/latin1.py', line: 0}),
    ])
  })

  it('is an error when it exits 1 and names nothing', () => {
    expect(isort.parse({stdout: '', stderr: 'Traceback (most recent call last):\nKeyError: x\n', exitCode: 1, durationMs: 0}, context).kind).toBe('error')
  })

  it('reads its version from under the logo', () => {
    const stdout = '\n                 _                 _\n                (_) ___  ___  _ __| |_\n\n                    VERSION 5.6.4\n\n'
    expect(isort.parseVersion({stdout, stderr: '', exitCode: 0, durationMs: 0})).toBe('5.6.4')
  })
})
