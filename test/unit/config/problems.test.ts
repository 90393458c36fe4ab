import {describe, expect, it} from 'vitest'

import {describeProblems, describeValue, nearest} from '../../../src/config/problems.js'
import {configSchema} from '../../../src/config/schema.js'

function problems(input: unknown): string[] {
  const result = configSchema.safeParse(input, {reportInput: true})
  if (result.success) throw new Error('expected the configuration to be invalid')
  return describeProblems(result.error.issues, configSchema)
}

describe('problem messages', () => {
  it('a wrong type names the key path, what was expected and what was written', () => {
    expect(problems({checks: {pylint: {failUnder: 'seven'}}})).toEqual(['checks.pylint.failUnder: expected a number, got "seven"'])
    expect(problems({checks: {black: {enabled: 'yes'}}})).toEqual(['checks.black.enabled: expected true or false, got "yes"'])
    expect(problems({paths: {include: 'src'}})).toEqual(['paths.include: expected a list, got "src"'])
    expect(problems({checks: 'all'})).toEqual(['checks: expected an object (a table of keys), got "all"'])
    expect(problems({concurrency: 1.5})).toEqual(['concurrency: expected a whole number, got 1.5'])
  })

  it('a list element is named by its index', () => {
    expect(problems({paths: {exclude: ['ok/**', 3]}})).toEqual(['paths.exclude[1]: expected a string, got 3'])
  })

  it('an unknown key suggests the nearest valid key at its level', () => {
    expect(problems({checks: {flake9: {}}})).toEqual(['checks.flake9: unknown key; did you mean "flake8"?'])
    expect(problems({checks: {pylint: {fail_under: 8}}})).toEqual(['checks.pylint.fail_under: unknown key; did you mean "failUnder"?'])
    expect(problems({checks: {flake8: {'max-line-length': 100}}})).toEqual([
      'checks.flake8.max-line-length: unknown key; did you mean "maxLineLength"?',
    ])
    expect(problems({tools: {versions: {flak8: '6.0.0'}}})).toEqual(['tools.versions.flak8: unknown key; did you mean "flake8"?'])
  })

  it('an unknown key with no near neighbour lists the valid keys instead', () => {
    const [line] = problems({deploy: true})
    expect(line).toMatch(/^deploy: unknown key; valid keys here: runner, paths, tools, checks, dependencies, concurrency/)
    expect(line).not.toContain('$schema')
  })

  it('a value outside a choice lists the choices and suggests the nearest', () => {
    expect(problems({runner: 'locl'})).toEqual(['runner: expected one of "auto", "local", "container", got "locl"; did you mean "local"?'])
    expect(problems({dependencies: {provider: 'snyk'}})).toEqual(['dependencies.provider: expected one of "safety", "pip-audit", got "snyk"'])
  })

  it('a number or list out of range says the limit', () => {
    expect(problems({concurrency: -1})).toEqual(['concurrency: expected a number >= 0, got -1'])
    expect(problems({checks: {pylint: {failUnder: 11}}})).toEqual(['checks.pylint.failUnder: expected a number <= 10, got 11'])
    expect(problems({paths: {include: []}})).toEqual(['paths.include: expected at least 1 item, got an empty list'])
    expect(problems({tools: {image: ''}})).toEqual(['tools.image: expected a non-empty string, got ""'])
  })

  it('lists every problem at once, not just the first', () => {
    const lines = problems({
      runner: 'docker',
      concurrency: 'many',
      checks: {flake9: {}, pylint: {failUnder: 'seven', scoreGate: 'fail'}},
      paths: {include: [1]},
    })
    expect(lines).toHaveLength(6)
    expect(lines).toEqual(
      expect.arrayContaining([
        'checks.flake9: unknown key; did you mean "flake8"?',
        'checks.pylint.failUnder: expected a number, got "seven"',
        'checks.pylint.scoreGate: expected one of "block", "warn", got "fail"',
        'concurrency: expected a number, got "many"',
        'paths.include[0]: expected a string, got 1',
      ]),
    )
  })

  it('a document that is not an object is a top-level problem', () => {
    expect(problems(['runner', 'local'])).toEqual(['(top level): expected an object (a table of keys), got a list'])
  })
})

describe('helpers', () => {
  it('suggests only near candidates, ignoring case, dashes and underscores', () => {
    expect(nearest('PYLINT', ['flake8', 'pylint'])).toBe('pylint')
    expect(nearest('pip_audit', ['safety', 'pip-audit'])).toBe('pip-audit')
    expect(nearest('coverage', ['flake8', 'pylint', 'black'])).toBeUndefined()
  })

  it('shortens long strings and names structured values', () => {
    expect(describeValue('x'.repeat(60))).toBe(`"${'x'.repeat(40)}…"`)
    expect(describeValue({a: 1})).toBe('an object')
    expect(describeValue(null)).toBe('null')
    expect(describeValue(new Date(0))).toBe('a date')
  })
})
