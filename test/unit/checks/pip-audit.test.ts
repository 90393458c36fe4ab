import {describe, expect, it} from 'vitest'

import {pipAudit} from '../../../src/checks/pip-audit.js'
import {ok, reportOutput} from './recorded.js'

const context = {root: '/repo', requirements: ['requirements.txt']}

describe('pip-audit argv', () => {
  it('asks for JSON on every configured requirement file', () => {
    expect(pipAudit.argv(['requirements.txt'], {args: ['--desc=off'], requirements: ['requirements.txt']})).toEqual([
      'pip-audit',
      '-f',
      'json',
      '--desc=off',
      '-r',
      'requirements.txt',
    ])
  })
})

describe('pip-audit parse on recorded real outputs', () => {
  it('reads the >= 2.0 object (vulnflask, 2.9.0: 167 dependencies, 4 vulnerabilities, rc 1)', () => {
    const {findings} = ok(pipAudit.parse(reportOutput('pip-audit/vulnflask-pip-audit-report.json', 1), context))
    expect(findings.map((f) => [f.rule, f.file, f.severity])).toEqual([
      ['GHSA-vp47-9734-prjw', 'requirements.txt', 'warning'],
      ['GHSA-3wwr-3g9f-9gc7', 'requirements.txt', 'warning'],
      ['GHSA-4xh5-x5gv-qwph', 'requirements.txt', 'warning'],
      ['GHSA-pq67-6m6q-mj2v', 'requirements.txt', 'warning'],
    ])
    expect(findings[0].message).toMatch(/^asteval 1\.0\.5 has a known vulnerability, fixed in 1\.0\.6: ### Summary/)
    expect(findings[1].message).toContain('(CVE-2025-24359)')
    expect(findings[2].message).toMatch(/^pip 25\.2 has a known vulnerability \(CVE-2025-8869\), no fixed version yet/)
  })

  it('reads a clean report (gdown, rc 0)', () => {
    expect(ok(pipAudit.parse(reportOutput('pip-audit/gdown-pip-audit-report.clean.json', 0), context)).findings).toEqual([])
  })

  it('reads the < 2.0 bare array, and ignores skipped dependencies', () => {
    const report = JSON.parse(reportOutput('pip-audit/vulnflask-pip-audit-report.json', 1).stdout) as {dependencies: unknown[]}
    const rows = [...report.dependencies, {name: 'mypkg', skip_reason: 'distribution marked as editable'}]
    expect(ok(pipAudit.parse({stdout: JSON.stringify(rows), stderr: '', exitCode: 1, durationMs: 0}, context)).findings).toHaveLength(4)
  })

  it('is an error on rc 1 without a JSON report (a network failure)', () => {
    const output = {stdout: '', stderr: 'ERROR:pip_audit._cli:Tip: your network may be blocking this service\n', exitCode: 1, durationMs: 0}
    expect(pipAudit.parse(output, context)).toEqual({kind: 'error', message: expect.stringContaining('your network may be blocking')})
  })

  it('reads its version', () => {
    expect(pipAudit.parseVersion({stdout: 'pip-audit 2.7.3\n', stderr: '', exitCode: 0, durationMs: 0})).toBe('2.7.3')
  })
})
