import {describe, expect, it} from 'vitest'

import {safety} from '../../../src/checks/safety.js'
import {fixtureText, ok, reportOutput} from './recorded.js'

const context = {root: '/repo', requirements: ['requirements/prod.txt']}

describe('safety argv', () => {
  it('runs check with JSON output on every configured requirement file', () => {
    expect(safety.argv(['requirements.txt'], {args: ['--ignore=1234'], requirements: ['requirements.txt', 'dev requirements.txt']})).toEqual([
      'safety',
      'check',
      '--json',
      '--ignore=1234',
      '-r',
      'requirements.txt',
      '-r',
      'dev requirements.txt',
    ])
    expect(safety.inputs).toBe('requirements')
    expect(safety.fileLocal).toBe(false)
  })
})

describe('safety parse on recorded real outputs', () => {
  it('reads the v2 check report (2.0b1, rc 64), `ignored: false` not being ignored', () => {
    const {findings} = ok(safety.parse(reportOutput('safety/safety-2.0b1-check-json.report.json', 64), context))
    expect(findings).toEqual([
      {
        tool: 'safety',
        rule: '25853',
        severity: 'warning',
        file: 'requirements/prod.txt',
        line: 0,
        column: 0,
        message: 'insecure-package 0.1.0 has a known vulnerability, affected <0.2.0: This is an insecure package with lots of exploitable security vulnerabilities.',
      },
    ])
  })

  it('reads the v3 check report (3.6.2), where `ignored: {}` does not mean ignored', () => {
    const {findings} = ok(safety.parse(reportOutput('safety/safety-3.6.2-check-json.trimmed.json', 64), context))
    expect(findings.map((f) => f.rule)).toEqual(['82332', '82331', '59234', '75180', '79883'])
    expect(findings[0].message).toMatch(/^urllib3 2\.5\.0 has a known vulnerability \(CVE-2025-66471\), affected >=1\.0,<2\.6\.0: Affected versions/)
    // The package was found in site-packages, outside the repository: report it against the requirement file.
    expect(findings.every((f) => f.file === 'requirements/prod.txt' && f.severity === 'warning')).toBe(true)
  })

  it('drops vulnerabilities that really are ignored (true, or a non-empty object)', () => {
    const report = JSON.parse(fixtureText('safety/safety-3.6.2-check-json.trimmed.json')) as {vulnerabilities: Array<{ignored: unknown}>}
    report.vulnerabilities[0].ignored = {reason: 'accepted risk', expires: null}
    report.vulnerabilities[1].ignored = true
    const {findings} = ok(safety.parse({stdout: JSON.stringify(report), stderr: '', exitCode: 64, durationMs: 0}, context))
    expect(findings.map((f) => f.rule)).toEqual(['59234', '75180', '79883'])
  })

  it('reads the v3 scan report with CVSS (3.2.14 --detailed-output): 58 vulnerabilities, 33 at CVSS >= 7', () => {
    const {findings} = ok(safety.parse(reportOutput('safety/safety-3.2.14-scan-output-json.detailed.json', 64), context))
    expect(findings).toHaveLength(58)
    expect(findings.filter((f) => f.severity === 'error')).toHaveLength(33)
    expect(findings[0]).toMatchObject({rule: '51340', severity: 'error', file: 'test_requirements.txt', line: 0})
    expect(findings[0].message).toMatch(/^django==1\.8\.0 has a known vulnerability \(CVE-2022-41323\), affected <3\.2\.16, CVSS 7\.5: In Django 3\.2/)
  })

  it('reads the default v3 scan report (3.6.1), making the absolute file location relative', () => {
    const output = reportOutput('safety/safety-3.6.1-scan-output-json.json', 64)
    const {findings} = ok(safety.parse(output, {root: '/Users/martin/Documents/GitHub/open-xliff-translator'}))
    expect(findings).toEqual([
      {
        tool: 'safety',
        rule: '84324',
        severity: 'warning',
        file: 'requirements.txt',
        line: 0,
        column: 0,
        message: 'werkzeug==3.1.4 has a known vulnerability, affected <3.1.5',
      },
    ])
  })

  it('reads the 1.x array (rows as safety 1.x prints them, exit 255)', () => {
    const rows = [['insecure-package', '<0.2.0', '0.1.0', 'Fixes CVE-2021-1234 in the parser.', '25853', null, {base_score: 9.8}]]
    const {findings} = ok(safety.parse({stdout: JSON.stringify(rows), stderr: '', exitCode: 255, durationMs: 0}, context))
    expect(findings).toEqual([
      expect.objectContaining({rule: '25853', severity: 'error', file: 'requirements/prod.txt', message: expect.stringContaining('(CVE-2021-1234)')}),
    ])
  })

  it('reads the report after a banner printed before it', () => {
    const output = reportOutput('safety/safety-2.0b1-check-json.report.json', 64)
    const banner = '+===========================================+\nDEPRECATED: this command (`check`) has been DEPRECATED\n+===========================================+\n'
    expect(ok(safety.parse({...output, stdout: banner + output.stdout}, context)).findings).toHaveLength(1)
  })

  it('is an error, with the documented meaning, on any other exit code', () => {
    const noDb = safety.parse({stdout: '', stderr: 'Unable to load the vulnerability database\n', exitCode: 68, durationMs: 0}, context)
    expect(noDb).toEqual({kind: 'error', message: expect.stringMatching(/^safety could not fetch its vulnerability database \(no network\?\) \(exit code 68\)/)})
    expect(safety.parse({stdout: '', stderr: 'boom\n', exitCode: 1, durationMs: 0}, context)).toEqual({kind: 'error', message: expect.stringContaining('boom')})
    expect(safety.parse({stdout: '', stderr: '', exitCode: 3, durationMs: 0}, context)).toEqual({kind: 'error', message: 'safety exited with code 3 and printed nothing'})
  })

  it('is an error when the report is missing, cut short, or not a safety report', () => {
    const whole = reportOutput('safety/safety-3.6.2-check-json.trimmed.json', 64)
    expect(safety.parse({...whole, stdout: whole.stdout.slice(0, 5000)}, context).kind).toBe('error')
    expect(safety.parse({...whole, stdout: ''}, context).kind).toBe('error')
    // The offline vulnerability database is JSON too, but not a report.
    expect(safety.parse(reportOutput('safety/offline-db-insecure.json', 0), context)).toEqual({
      kind: 'error',
      message: expect.stringContaining('JSON cicd does not recognise'),
    })
  })

  it('reads its version', () => {
    expect(safety.parseVersion({stdout: 'safety, version 3.2.0\n', stderr: '', exitCode: 0, durationMs: 0})).toBe('3.2.0')
  })
})
