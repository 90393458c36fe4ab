import {describe, expect, it} from 'vitest'

import {renderJson} from '../../../src/reports/json.js'
import {HOSTILE_MESSAGE, sampleRun} from './run-result.js'

describe('renderJson', () => {
  it('prints the documented keys in a fixed order', () => {
    const document = JSON.parse(renderJson(sampleRun()))
    expect(Object.keys(document)).toEqual(['ok', 'exitCode', 'durationMs', 'runner', 'root', 'startedAt', 'phases'])
    expect(Object.keys(document.phases[0])).toEqual(['id', 'status', 'durationMs', 'checks'])
    const [flake8] = document.phases[0].checks
    expect(Object.keys(flake8)).toEqual(['id', 'tool', 'phase', 'status', 'gate', 'cached', 'durationMs', 'toolPath', 'toolVersion', 'exitCode', 'findings'])
    expect(Object.keys(flake8.findings[0])).toEqual(['tool', 'rule', 'severity', 'file', 'line', 'column', 'message'])
  })

  it('carries every check with its status and the findings unchanged', () => {
    const run = sampleRun()
    const document = JSON.parse(renderJson(run))
    expect(document).toMatchObject({ok: false, exitCode: 1, durationMs: 9876, runner: 'local'})
    const checks = document.phases.flatMap((phase: {checks: {id: string; status: string}[]}) => phase.checks)
    expect(checks.map((check: {id: string; status: string}) => `${check.id}:${check.status}`)).toEqual([
      'flake8:failed',
      'pylint:warned',
      'black:failed',
      'isort:error',
      'bandit:passed',
      'safety:warned',
      'pip-audit:skipped',
      'pytest:passed',
    ])
    expect(document.phases[0].checks[0].findings).toEqual(run.phases[0].checks[0].findings)
    expect(document.phases[0].checks[0].findings[1].message).toBe(HOSTILE_MESSAGE)
    expect(document.phases[0].checks[1].score).toBe(8.5)
    expect(document.phases[0].checks[3].reason).toContain('isort crashed')
  })

  it('drops fields that a finding carries beyond the documented seven', () => {
    const run = sampleRun()
    Object.assign(run.phases[0].checks[0].findings[0], {internal: 'x'})
    const [finding] = JSON.parse(renderJson(run)).phases[0].checks[0].findings
    expect(finding).not.toHaveProperty('internal')
  })
})
