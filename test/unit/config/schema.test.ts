import picomatch from 'picomatch'
import {describe, expect, it} from 'vitest'

import {defaultConfig, effectiveExcludes, PINNED_TOOL_VERSIONS} from '../../../src/config/defaults.js'
import {configSchema} from '../../../src/config/schema.js'

describe('defaults', () => {
  it('a repository without configuration gets the design documents\' values', () => {
    const config = configSchema.parse(undefined)
    expect(config.runner).toBe('auto')
    expect(config.paths).toEqual({include: ['**/*.py'], exclude: []})
    expect(config.tools.image).toBe('cicd-tools:local')
    expect(config.checks.flake8.maxLineLength).toBe(120)
    expect(config.checks.pylint).toMatchObject({failUnder: 7, scoreGate: 'warn'})
    for (const id of ['flake8', 'pylint', 'black', 'isort', 'bandit', 'safety', 'pip-audit'] as const) {
      expect(config.checks[id]).toMatchObject({gate: 'warn', args: []})
    }
    expect(config.dependencies).toEqual({provider: 'safety', requirements: ['requirements.txt']})
    expect(config.concurrency).toBe(0)
  })

  it('pins the tool versions of CI\'s Debian bookworm machines', () => {
    expect(configSchema.parse({}).tools.versions).toEqual({
      flake8: '5.0.4',
      pylint: '2.16.2',
      black: '23.1.0',
      isort: '5.6.4',
      bandit: '1.6.2',
      pytest: '7.2.1',
      'pytest-cov': '4.0.0',
      safety: '3.2.14',
      'pip-audit': '2.7.3',
    })
  })

  it('the schema resolves an empty file to exactly defaultConfig()', () => {
    const {environments, policy, test, build, scan, gates, reports, cache, metrics, alerts, jenkins, ...rest} = configSchema.parse({})
    expect(rest).toEqual(defaultConfig())
    expect(environments).toEqual({})
    expect(policy).toMatchObject({rules: {}, builtInRules: true})
    // The sections that keep their defaults in their own schemas resolve to them.
    expect(test.coverage.threshold).toBe(70)
    expect(build).toMatchObject({concurrency: 0})
    expect(scan.severities).toEqual(['HIGH', 'CRITICAL'])
    expect(gates).toBeTypeOf('object')
    expect(reports.keep).toBe(20)
    expect(cache).toMatchObject({enabled: true, maxSizeMb: 50})
    expect([metrics, alerts, jenkins].every((section) => typeof section === 'object')).toBe(true)
  })

  it('hands out independent copies, so one caller cannot change another\'s defaults', () => {
    const first = configSchema.parse({})
    first.paths.include.push('more/**')
    first.tools.versions.flake8 = '9'
    expect(configSchema.parse({}).paths.include).toEqual(['**/*.py'])
    expect(defaultConfig().tools.versions.flake8).toBe(PINNED_TOOL_VERSIONS.flake8)
  })
})

describe('dependency audit provider', () => {
  it('runs safety only by default', () => {
    const {checks} = configSchema.parse({})
    expect(checks.safety.enabled).toBe(true)
    expect(checks['pip-audit'].enabled).toBe(false)
  })

  it('runs pip-audit instead when it is the provider', () => {
    const {checks} = configSchema.parse({dependencies: {provider: 'pip-audit'}})
    expect(checks.safety.enabled).toBe(false)
    expect(checks['pip-audit'].enabled).toBe(true)
  })

  it('an explicit enabled wins over the provider', () => {
    const {checks} = configSchema.parse({checks: {safety: {enabled: false}, 'pip-audit': {enabled: true}}})
    expect(checks.safety.enabled).toBe(false)
    expect(checks['pip-audit'].enabled).toBe(true)
  })
})

describe('user values', () => {
  it('override one key and leave its siblings at their defaults', () => {
    const config = configSchema.parse({checks: {pylint: {failUnder: 8.5}}, tools: {versions: {black: '24.2.0'}}})
    expect(config.checks.pylint).toMatchObject({failUnder: 8.5, gate: 'warn', scoreGate: 'warn', enabled: true})
    expect(config.tools.versions).toMatchObject({black: '24.2.0', flake8: '5.0.4'})
  })

  it('a list replaces the default list whole', () => {
    expect(configSchema.parse({paths: {include: ['src/**/*.py']}}).paths.include).toEqual(['src/**/*.py'])
  })

  it('accepts $schema for editors and leaves it out of the result', () => {
    const config = configSchema.parse({$schema: './config.schema.json', runner: 'local'})
    expect(config.runner).toBe('local')
    expect(config).not.toHaveProperty('$schema')
  })

  it.each([
    [{runner: 'docker'}],
    [{checks: {flake9: {}}}],
    [{checks: {flake8: {maxLineLength: 0}}}],
    [{checks: {pylint: {failUnder: 10.5}}}],
    [{tools: {versions: {trivy: '0.50.0'}}}],
    [{paths: {include: []}}],
    [{concurrency: 1.5}],
    [{checks: {black: {args: '--fast'}}}],
  ])('rejects %j', (input) => {
    expect(configSchema.safeParse(input).success).toBe(false)
  })
})

describe('excluded paths', () => {
  it('never reads virtual environments, build output or caches, at any depth', () => {
    const excluded = picomatch(effectiveExcludes({include: ['**/*.py'], exclude: ['legacy/**']}), {dot: true})
    for (const file of ['.venv/lib/site.py', 'venv/x.py', 'services/api/node_modules/a.py', 'build/lib/a.py', 'src/__pycache__/a.py', '.git/hooks/x.py', 'legacy/old.py']) {
      expect(excluded(file), file).toBe(true)
    }
    for (const file of ['src/builder.py', 'dags/dist_job.py', 'src/venvs.py', 'tests/test_build.py']) {
      expect(excluded(file), file).toBe(false)
    }
  })
})
