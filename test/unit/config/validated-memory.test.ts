import {parse as parseToml} from 'smol-toml'
import {describe, expect, it} from 'vitest'

import {isPlainData} from '../../../src/config/validated-memory.js'

describe('what a remembered validation may be keyed on', () => {
  it('takes what JSON, YAML and TOML files parse to when JSON carries it unchanged', () => {
    expect(isPlainData(JSON.parse('{"runner": "local", "checks": {"pylint": {"failUnder": 8.5}}, "x": [1, null, true]}'))).toBe(true)
    // TOML tables have no prototype.
    expect(isPlainData(parseToml('[tool.cicd]\nrunner = "local"\nconcurrency = 2\n'))).toBe(true)
  })

  it('refuses what JSON would change or drop: dates, undefined, functions, non-finite numbers, holes, instances', () => {
    for (const [index, value] of [
      {since: new Date(0)},
      parseToml('when = 2024-05-01'),
      {a: undefined},
      {f: () => 1},
      {n: Number.NaN},
      {n: Number.POSITIVE_INFINITY},
      {big: 1n},
      [1, , 3],
      new Map(),
    ].entries()) {
      expect(isPlainData(value), `case ${index}`).toBe(false)
    }
  })
})
