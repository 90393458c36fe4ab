import {describe, expect, it} from 'vitest'

import {black} from '../../../src/checks/black.js'
import {captured, fixtureText, ok, unwrapTaifishing} from './recorded.js'

const context = {root: '/home/dev/sandbox/proj'}

describe('black argv', () => {
  it('checks and diffs without colour, settings.args before the files', () => {
    expect(black.argv(['a.py'], {args: ['--fast']})).toEqual(['black', '--check', '--diff', '--no-color', '--fast', 'a.py'])
  })
})

describe('black parse on recorded real outputs', () => {
  it('makes one finding per diff hunk, at the first changed original line (check-diff, rc 1)', () => {
    const {findings} = ok(black.parse(captured('black', 'check-diff'), context))
    expect(findings).toEqual([
      {tool: 'black', rule: 'format', severity: 'warning', file: 'pkg/bad.py', line: 5, column: 0, message: 'black would reformat lines 1-15'},
    ])
  })

  it('reports a file black named without a diff (--check without --diff, or -q) at line 0', () => {
    const {findings} = ok(black.parse(captured('black', 'check'), context))
    expect(findings).toEqual([expect.objectContaining({rule: 'format', file: 'pkg/bad.py', line: 0})])
  })

  it('is an error when black exits 1 but names nothing (-q without --diff)', () => {
    expect(black.parse(captured('black', 'check-quiet'), context).kind).toBe('error')
  })

  it('reads a clean run', () => {
    expect(ok(black.parse(captured('black', 'check-clean'), context)).findings).toEqual([])
  })

  it('reads the diff even when black exits 0 (--diff without --check)', () => {
    expect(ok(black.parse(captured('black', 'diff-only'), context)).findings).toHaveLength(1)
  })

  it('turns "cannot format" (rc 123) into a finding at the position black could not parse, 1-based', () => {
    const {findings} = ok(black.parse(captured('black', 'check-syntax-error'), context))
    expect(findings).toEqual([
      {
        tool: 'black',
        rule: 'cannot-format',
        severity: 'error',
        file: 'pkg/syntax_error.py',
        line: 1,
        column: 12,
        message: 'black cannot format this file: Cannot parse: 1:11: def broken(:',
      },
    ])
  })

  it('is an error on rc 123 with nothing parsed, and on a usage error (rc 2)', () => {
    const internal = {stdout: '', stderr: 'Oh no! 💥 💔 💥\n', exitCode: 123, durationMs: 0}
    expect(black.parse(internal, context).kind).toBe('error')
    const missing = black.parse(captured('black', 'check-missing'), context)
    expect(missing).toEqual({kind: 'error', message: expect.stringContaining("Path 'nope.py' does not exist")})
  })

  it('reads an absolute-path CI capture (TaifishingV4) relative to its root', () => {
    const output = unwrapTaifishing('black/taifishing-black-check-diff.wrapped.txt', 1)
    const {findings} = ok(black.parse(output, {root: '/Users/shiyijiufei/TaifishingV4'}))
    expect(findings).toEqual([expect.objectContaining({file: 'app/utils/enhanced_logger.py', line: 230, rule: 'format'})])
  })

  it("reads black's own expected diffs: many hunks, and a missing final newline", () => {
    const expression = {stdout: fixtureText('black/black-tests-expression.diff'), stderr: '', exitCode: 1, durationMs: 0}
    const {findings} = ok(black.parse(expression, context))
    expect(findings.map((f) => f.line).slice(0, 3)).toEqual([2, 26, 142])
    expect(findings.every((f) => f.file === '[Deterministic header]')).toBe(true)
    const newline = {stdout: fixtureText('black/black-tests-missing_final_newline.diff'), stderr: '', exitCode: 1, durationMs: 0}
    expect(ok(black.parse(newline, context)).findings.map((f) => f.line)).toEqual([3])
  })

  it('reads its version', () => {
    expect(black.parseVersion({stdout: 'black, 23.1.0 (compiled: no)\nPython (CPython) 3.11.2\n', stderr: '', exitCode: 0, durationMs: 0})).toBe('23.1.0')
  })
})
