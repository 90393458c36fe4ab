import {describe, expect, it} from 'vitest'

import {gatesSchema} from '../../../src/config/sections/gates.js'
import {evaluateGates, gatesBlock} from '../../../src/gates/evaluate.js'
import {readRequirements} from '../../../src/gates/requirements.js'
import {entropy, findSecrets} from '../../../src/gates/secrets.js'
import type {CheckResult} from '../../../src/pipeline/result.js'

// Well-known documentation values (AWS's own examples), not real credentials.
const AWS_ID = ['AKIA', 'IOSFODNN7EXAMPLE'].join('')
const AWS_SECRET = ['wJalrXUtnFEMI', '/K7MDENG/bPxRfiCYEXAMPLEKEY'].join('')

describe('hard-coded secrets', () => {
  it('finds AWS keys, private key headers, password literals and high-entropy tokens, without printing them', () => {
    const text = [
      `AWS_ACCESS_KEY_ID = "${AWS_ID}"`,
      `aws_secret_access_key = ${AWS_SECRET}`,
      '-----BEGIN RSA PRIVATE KEY-----',
      'db_password = "s3cr3t-Pa55"',
      'api_token = "9fK2xQ7mLp4Zr8Tb1VwYc6Nd"',
    ].join('\n')
    const findings = findSecrets('config/settings.py', text)
    expect(findings.map((f) => [f.rule, f.line])).toEqual([
      ['aws-access-key-id', 1],
      ['aws-secret-access-key', 2],
      ['private-key', 3],
      ['password-literal', 4],
      ['high-entropy-secret', 5],
    ])
    for (const secret of [AWS_ID, AWS_SECRET, 's3cr3t-Pa55', '9fK2xQ7mLp4Zr8Tb1VwYc6Nd']) {
      expect(findings.map((f) => f.message).join('\n')).not.toContain(secret)
    }
    expect(findings[0].message).toContain('AKIA… (20 characters)')
  })

  it('leaves placeholders, environment lookups, low-entropy values, marked lines and binary files alone', () => {
    const text = [
      'password = os.environ["DB_PASSWORD"]',
      'password = "${DB_PASSWORD}"',
      'password = "<your password>"',
      'secret_key = "aaaaaaaaaaaaaaaaaaaaaaaaaaaa"',
      'token = "abcdefghijklmnopqrstuvwxyz"',
      'password = "s3cr3t-Pa55"  # cicd: allow-secret (test fixture)',
    ].join('\n')
    expect(findSecrets('a.py', text)).toEqual([])
    expect(findSecrets('blob.bin', `\u0000${AWS_ID}`)).toEqual([])
    expect(entropy('aaaa')).toBe(0)
  })
})

describe('requirements pinning', () => {
  it('tells pinned from unpinned requirements and skips options, comments and URLs', () => {
    const text = ['# pinned', 'requests==2.31.0', 'Flask>=2.0', 'pyyaml', 'numpy==1.*', '-r base.txt', 'psycopg2_binary === 2.9.9 ; python_version > "3.8"', 'git+https://x/y.git'].join('\n')
    expect(readRequirements('requirements.txt', text).map((r) => [r.name, r.pinned, r.line])).toEqual([
      ['requests', true, 2],
      ['flask', false, 3],
      ['pyyaml', false, 4],
      ['numpy', false, 5],
      ['psycopg2-binary', true, 7],
    ])
  })
})

function check(overrides: Partial<CheckResult>): CheckResult {
  return {id: 'bandit', tool: 'bandit', phase: 'static', status: 'passed', cached: false, durationMs: 1, findings: [], gate: 'warn', ...overrides}
}

const finding = {tool: 'bandit', rule: 'B602', severity: 'error' as const, file: 'src/a.py', line: 3, column: 1, message: 'shell=True'}

describe('the five gates', () => {
  const config = gatesSchema.parse({})

  it('passes a clean run, with gates 4 and 5 not applicable locally', () => {
    const gates = evaluateGates({
      checks: [check({}), check({id: 'safety', tool: 'safety'}), check({id: 'scan:airflow', tool: 'trivy', phase: 'scan'})],
      secrets: [],
      requirements: readRequirements('requirements.txt', 'a==1\n'),
      images: [{name: 'airflow', dockerfile: 'docker/airflow/Dockerfile', baseImages: [{reference: 'python:3.11-slim', line: 1}]}],
      config,
    })
    expect(gates.map((g) => [g.number, g.status])).toEqual([
      [1, 'pass'],
      [2, 'pass'],
      [3, 'pass'],
      [4, 'not-applicable'],
      [5, 'not-applicable'],
    ])
    expect(gatesBlock(gates)).toBe(false)
  })

  it('warns by default and blocks when configured, with the reasons', () => {
    const inputs = {checks: [check({findings: [finding], status: 'warned'})], secrets: findSecrets('s.py', `key = "${AWS_ID}"`)}
    const warned = evaluateGates({...inputs, config})[0]
    expect(warned.status).toBe('warn')
    expect(warned.reasons).toEqual(['Bandit: 1 finding (1 error)', '1 possible hard-coded secret: s.py:1 (aws-access-key-id)'])
    const blocking = evaluateGates({...inputs, config: gatesSchema.parse({codeSecurity: {gate: 'block'}})})
    expect(blocking[0].status).toBe('block')
    expect(gatesBlock(blocking)).toBe(true)
  })

  it('gate 2: unpinned requirements, licenses outside the allowlist, a crashed audit', () => {
    const gate = evaluateGates({
      checks: [check({id: 'safety', tool: 'safety', status: 'error', reason: 'safety crashed\ntrace'})],
      requirements: readRequirements('requirements.txt', 'flask>=2\nrequests==2.31.0\n'),
      licenses: {flask: 'BSD License', requests: 'GPL'},
      config: gatesSchema.parse({dependencies: {allowedLicenses: ['BSD License', 'Apache Software License']}}),
    })[1]
    expect(gate.status).toBe('warn')
    expect(gate.reasons).toEqual([
      'Safety could not give a verdict: safety crashed',
      '1 requirement is not pinned with ==: flask >=2 (requirements.txt:1)',
      'license not in gates.dependencies.allowedLicenses: requests (GPL)',
    ])
  })

  it('gate 3: Trivy findings and the base-image policy (latest, registries)', () => {
    const gate = evaluateGates({
      checks: [check({id: 'scan:spark', tool: 'trivy', phase: 'scan', status: 'warned', findings: [{...finding, tool: 'trivy', rule: 'CVE-1'}]})],
      images: [
        {
          name: 'spark',
          dockerfile: 'docker/spark/Dockerfile',
          baseImages: [
            {reference: 'bitnami/spark', line: 1},
            {reference: 'quay.io/x/y:1.0', line: 5},
            {reference: 'ghcr.io/a/b@sha256:abc', line: 9},
          ],
        },
      ],
      config: gatesSchema.parse({containers: {allowedRegistries: ['docker.io', 'ghcr.io']}}),
    })[2]
    expect(gate.status).toBe('warn')
    expect(gate.reasons).toEqual([
      'Trivy spark: 1 finding (1 error)',
      'docker/spark/Dockerfile:1: base image bitnami/spark is not pinned to a version (no tag or "latest")',
      'docker/spark/Dockerfile:5: base image quay.io/x/y:1.0 comes from quay.io, not from docker.io, ghcr.io (gates.containers.allowedRegistries)',
    ])
  })

  it('is skipped, with the reason, when its inputs did not run', () => {
    const gates = evaluateGates({checks: [], config})
    expect(gates.slice(0, 3).map((g) => g.status)).toEqual(['skipped', 'skipped', 'skipped'])
    expect(gates[0].reasons).toEqual(['Bandit did not run'])
  })
})
