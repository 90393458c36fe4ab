import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {hasOwnFlake8Config, loadConfig} from '../../../src/config/load.js'
import {UsageError} from '../../../src/errors.js'

let root: string
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'cicd-config-'))
})
afterEach(async () => {
  await rm(root, {recursive: true, force: true})
})

const write = async (file: string, text: string) => {
  await mkdir(path.dirname(path.join(root, file)), {recursive: true})
  await writeFile(path.join(root, file), text)
}

async function loadError(): Promise<UsageError> {
  const error = await loadConfig({root}).then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(UsageError)
  expect((error as UsageError).exitCode).toBe(2)
  return error as UsageError
}

describe('file formats', () => {
  it.each([
    ['.cicdrc', 'checks:\n  pylint:\n    failUnder: 8.5\n', ''],
    ['.cicdrc.json', '{"checks": {"pylint": {"failUnder": 8.5}}}', ''],
    ['.cicdrc.yaml', 'checks:\n  pylint:\n    failUnder: 8.5\n', ''],
    ['.cicdrc.yml', 'checks: {pylint: {failUnder: 8.5}}\n', ''],
    ['.cicdrc.js', 'module.exports = {checks: {pylint: {failUnder: 8.5}}}\n', ''],
    ['.cicdrc.cjs', 'module.exports = {checks: {pylint: {failUnder: 8.5}}}\n', ''],
    ['.cicdrc.mjs', 'export default {checks: {pylint: {failUnder: 8.5}}}\n', ''],
    ['cicd.config.js', 'module.exports = {checks: {pylint: {failUnder: 8.5}}}\n', ''],
    ['cicd.config.cjs', 'module.exports = {checks: {pylint: {failUnder: 8.5}}}\n', ''],
    ['cicd.config.mjs', 'export default {checks: {pylint: {failUnder: 8.5}}}\n', ''],
    ['package.json', '{"name": "platform", "cicd": {"checks": {"pylint": {"failUnder": 8.5}}}}', 'cicd.'],
    ['pyproject.toml', '[tool.black]\nline-length = 120\n\n[tool.cicd.checks.pylint]\nfailUnder = 8.5\n', 'tool.cicd.'],
  ])('%s', async (name, text, keyPrefix) => {
    await write(name, text)
    const loaded = await loadConfig({root})
    expect(loaded.file).toBe(path.join(root, name))
    expect(loaded.config.checks.pylint.failUnder).toBe(8.5)
    expect(loaded.sources['checks.pylint.failUnder']).toBe(`${name}#${keyPrefix}checks.pylint.failUnder`)
    expect(loaded.sources['checks.pylint.gate']).toBe('default')
  })

  it('the first file in precedence order wins', async () => {
    await write('pyproject.toml', '[tool.cicd]\nrunner = "container"\n')
    await write('.cicdrc.yaml', 'runner: local\n')
    await write('.cicdrc.json', '{"runner": "auto", "concurrency": 2}')
    const loaded = await loadConfig({root})
    expect(path.basename(loaded.file!)).toBe('.cicdrc.json')
    expect(loaded.config.concurrency).toBe(2)
  })

  it('package.json without "cicd" and pyproject.toml without [tool.cicd] are not configuration', async () => {
    await write('package.json', '{"name": "x"}')
    await write('pyproject.toml', '[tool.black]\nline-length = 100\n')
    const loaded = await loadConfig({root})
    expect(loaded.file).toBeUndefined()
    expect(Object.values(loaded.sources).every((source) => source === 'default')).toBe(true)
  })

  it('an empty .cicdrc.yaml is the file in use, with every value from the defaults', async () => {
    await write('.cicdrc.yaml', '# nothing yet\n')
    const loaded = await loadConfig({root})
    expect(loaded.file).toBe(path.join(root, '.cicdrc.yaml'))
    expect(loaded.config.checks.flake8.maxLineLength).toBe(120)
  })

  it('searches only the repository root, never a parent directory', async () => {
    await write('.cicdrc.yaml', 'runner: local\n')
    await mkdir(path.join(root, 'repo'))
    const loaded = await loadConfig({root: path.join(root, 'repo')})
    expect(loaded.file).toBeUndefined()
    expect(loaded.config.runner).toBe('auto')
  })
})

describe('provenance', () => {
  it('maps every resolved key to its file key or to the default', async () => {
    await write('pyproject.toml', '[tool.cicd]\nrunner = "local"\n[tool.cicd.tools.versions]\nblack = "24.2.0"\n')
    const {sources, config} = await loadConfig({root})
    expect(sources.runner).toBe('pyproject.toml#tool.cicd.runner')
    expect(sources['tools.versions.black']).toBe('pyproject.toml#tool.cicd.tools.versions.black')
    expect(sources['tools.versions.flake8']).toBe('default')
    expect(sources['paths.include']).toBe('default')
    expect(config.tools.versions.flake8).toBe('5.0.4')
  })

  it('without a file, everything is a default', async () => {
    const {sources} = await loadConfig({root})
    expect(sources['checks.flake8.maxLineLength']).toBe('default')
    expect(Object.keys(sources)).toContain('checks.pip-audit.enabled')
  })
})

describe('invalid configuration', () => {
  it('lists every problem with its key path under the file it is in', async () => {
    await write('pyproject.toml', '[tool.cicd]\nrunner = "docker"\n[tool.cicd.checks.pylint]\nfailUnder = "seven"\n[tool.cicd.checks.flake9]\n')
    const error = await loadError()
    expect(error.message).toBe(
      [
        'Invalid configuration in [tool.cicd] in pyproject.toml (3 problems):',
        '  runner: expected one of "auto", "local", "container", got "docker"',
        '  checks.pylint.failUnder: expected a number, got "seven"',
        '  checks.flake9: unknown key; did you mean "flake8"?',
      ].join('\n'),
    )
    expect(error.nextSteps.join(' ')).toContain('docs/configuration.md')
  })

  it('a JS configuration exporting the wrong shape is reported the same way', async () => {
    await write('cicd.config.mjs', 'export default {concurrency: -2}\n')
    expect((await loadError()).message).toContain('concurrency: expected a number >= 0, got -2')
  })
})

describe('syntax errors name the file and the line', () => {
  it('JSON', async () => {
    await write('.cicdrc.json', '{\n  "runner": "local",\n  "concurrency": \n}\n')
    const error = await loadError()
    expect(error.message).toMatch(/^Cannot read the configuration in \.cicdrc\.json at line 4, column 1: value expected/)
  })

  it('package.json', async () => {
    await write('package.json', '{\n  "name": "x",\n  "cicd": {"runner": "local",}\n}\n')
    expect((await loadError()).message).toMatch(/in package\.json at line 3, column \d+/)
  })

  it('YAML', async () => {
    await write('.cicdrc.yaml', 'runner: local\nchecks:\n  flake8: [\n')
    const error = await loadError()
    expect(error.message).toMatch(/^Cannot read the configuration in \.cicdrc\.yaml at line 4, column 1: /)
  })

  it('TOML, with the offending line shown', async () => {
    await write('pyproject.toml', '[tool.cicd]\nrunner = "local"\nconcurrency = = 3\n')
    const error = await loadError()
    expect(error.message).toMatch(/^Cannot read the configuration in pyproject\.toml at line 3, column \d+: invalid value/)
    expect(error.message).toContain('concurrency = = 3')
  })

  it('JavaScript, pointing to node --check for the line', async () => {
    await write('cicd.config.mjs', 'export default {\n  runner: "local",,\n}\n')
    const error = await loadError()
    expect(error.message).toMatch(/^Cannot read the configuration in cicd\.config\.mjs: /)
    expect(error.nextSteps[0]).toContain('node --check cicd.config.mjs')
  })
})

describe('hasOwnFlake8Config', () => {
  it.each([
    ['setup.cfg', '[metadata]\nname = x\n\n[flake8]\nmax-line-length = 100\n'],
    ['tox.ini', '[tox]\nenvlist = py311\n[flake8]\nexclude = build\n'],
    ['.flake8', '[flake8]\nmax-line-length = 88\n'],
  ])('%s with a [flake8] section counts', async (name, text) => {
    await write(name, text)
    expect(await hasOwnFlake8Config(root)).toBe(true)
  })

  it('files without a [flake8] section do not', async () => {
    await write('setup.cfg', '[metadata]\nname = x\n[isort]\nprofile = black\n')
    await write('tox.ini', '[tox]\nenvlist = py311\n[testenv]\ncommands = flake8 --max-line-length 100\n')
    expect(await hasOwnFlake8Config(root)).toBe(false)
  })

  it('a repository with none of the files does not', async () => {
    expect(await hasOwnFlake8Config(root)).toBe(false)
  })
})
