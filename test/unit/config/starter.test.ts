import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {loadConfig} from '../../../src/config/load.js'
import {configSchema} from '../../../src/config/schema.js'
import {starterConfig} from '../../../src/config/starter.js'

let root: string
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'cicd-starter-'))
})
afterEach(async () => {
  await rm(root, {recursive: true, force: true})
})

describe('starter configuration', () => {
  it.each([
    ['yaml', '.cicdrc.yaml'],
    ['json', '.cicdrc.json'],
    ['pyproject', 'pyproject.toml'],
  ] as const)('%s changes nothing until it is edited', async (format, name) => {
    await writeFile(path.join(root, name), starterConfig(format))
    const loaded = await loadConfig({root})
    expect(loaded.file).toBe(path.join(root, name))
    expect(loaded.config).toEqual(configSchema.parse(undefined))
    // The keys it writes come from the file; derived ones stay defaults so they keep following what they derive from.
    expect(loaded.sources['checks.pylint.failUnder']).toMatch(new RegExp(`^${name.replaceAll('.', '\\.')}#`))
    expect(loaded.sources['checks.flake8.maxLineLength']).toBe('default')
    expect(loaded.sources['checks.safety.enabled']).toBe('default')
  })

  it('switching the provider in the starter switches the audit', async () => {
    await writeFile(path.join(root, '.cicdrc.yaml'), starterConfig('yaml').replace('provider: "safety"', 'provider: "pip-audit"'))
    const {config} = await loadConfig({root})
    expect(config.checks.safety.enabled).toBe(false)
    expect(config.checks['pip-audit'].enabled).toBe(true)
  })

  it('explains the keys it sets with comments taken from the schema', () => {
    const yaml = starterConfig('yaml')
    expect(yaml).toContain('# The lowest acceptable pylint score (0 to 10).\n    failUnder: 7\n')
    expect(yaml).toMatch(/# Where tools run: .*\nrunner: "auto"/s)
    expect(yaml).toMatch(/# +maxLineLength: 120/)
    expect(starterConfig('pyproject')).toMatch(/^\[tool\.cicd\]$/m)
    expect(starterConfig('pyproject')).toMatch(/^# The lowest acceptable pylint score \(0 to 10\)\.\nfailUnder = 7$/m)
  })

  it('keeps comment lines within 100 columns', () => {
    for (const format of ['yaml', 'pyproject'] as const) {
      const long = starterConfig(format).split('\n').filter((line) => line.length > 100)
      expect(long).toEqual([])
    }
  })
})
