// The synthetic repository generator: its size, its determinism, and that the real tools from /usr/bin
// see it as clean without findings and report each sprinkled finding with them.

import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {generateSyntheticRepo, type SyntheticRepo} from '../helpers/synthetic-repo.js'

const made: string[] = []

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cicd-synthetic-'))
  made.push(dir)
  return dir
}

const tool = (dir: string, name: string, args: string[]) => execa(`/usr/bin/${name}`, args, {cwd: dir, reject: false})

const modulesOf = (repo: SyntheticRepo) => repo.files.filter((file) => file.endsWith('.py') && !file.endsWith('__init__.py'))

afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, {recursive: true, force: true})))
})

describe('generateSyntheticRepo without findings', () => {
  let dir: string
  let repo: SyntheticRepo

  beforeAll(async () => {
    dir = await freshDir()
    repo = await generateSyntheticRepo(dir)
  })

  it('writes at least 50 modules and 10,000 lines in several packages, with the tool configuration', async () => {
    expect(modulesOf(repo).length).toBeGreaterThanOrEqual(50)
    expect(repo.lines).toBeGreaterThanOrEqual(10_000)
    const packages = new Set(modulesOf(repo).map((file) => path.posix.dirname(file)))
    expect(packages.size).toBeGreaterThanOrEqual(5)
    expect(repo.files).toEqual(expect.arrayContaining(['.flake8', '.pylintrc', 'pyproject.toml']))

    let counted = 0
    for (const file of repo.files.filter((name) => name.endsWith('.py'))) {
      counted += (await readFile(path.join(dir, file), 'utf8')).split('\n').length - 1
    }
    expect(counted).toBe(repo.lines)
  })

  it('has modules that import other modules of the repository', async () => {
    const importing = []
    for (const file of modulesOf(repo)) {
      if (/^from tradeflow\.\w+\.\w+ import \w+$/m.test(await readFile(path.join(dir, file), 'utf8'))) importing.push(file)
    }
    expect(importing.length).toBeGreaterThanOrEqual(modulesOf(repo).length - 1)
  })

  it('carries the example platform configuration: flake8 and black at 120 columns, isort with the black profile', async () => {
    expect(await readFile(path.join(dir, '.flake8'), 'utf8')).toMatch(/max-line-length = 120/)
    const pyproject = await readFile(path.join(dir, 'pyproject.toml'), 'utf8')
    expect(pyproject).toMatch(/\[tool\.black\]\nline-length = 120/)
    expect(pyproject).toMatch(/\[tool\.isort\]\nprofile = "black"\nline_length = 120/)
  })

  it('is clean under flake8, black, isort and bandit', async () => {
    const [flake8, black, isort, bandit] = await Promise.all([
      tool(dir, 'flake8', ['.']),
      tool(dir, 'black', ['--check', '.']),
      tool(dir, 'isort', ['--check-only', '.']),
      tool(dir, 'bandit', ['-q', '-r', 'tradeflow', '-f', 'json']),
    ])
    expect(flake8.stdout).toBe('')
    expect(flake8.exitCode).toBe(0)
    expect(black.exitCode).toBe(0)
    expect(isort.exitCode).toBe(0)
    expect(JSON.parse(bandit.stdout).results).toEqual([])
    expect(bandit.exitCode).toBe(0)
  })
})

describe('generateSyntheticRepo determinism', () => {
  async function snapshot(options: Parameters<typeof generateSyntheticRepo>[1]): Promise<Map<string, string>> {
    const dir = await freshDir()
    const repo = await generateSyntheticRepo(dir, options)
    const contents = new Map<string, string>()
    for (const file of repo.files) contents.set(file, await readFile(path.join(dir, file), 'utf8'))
    return contents
  }

  it('writes the same bytes for the same seed, and other bytes for another seed', async () => {
    const options = {modules: 12, linesPerModule: 60, seed: 7, withFindings: true}
    const first = await snapshot(options)
    expect(await snapshot(options)).toEqual(first)
    expect(await snapshot({...options, seed: 8})).not.toEqual(first)
  })

  it('honours the module count and the lines per module', async () => {
    const dir = await freshDir()
    const repo = await generateSyntheticRepo(dir, {modules: 9, linesPerModule: 100})
    expect(modulesOf(repo)).toHaveLength(9)
    expect(repo.lines).toBeGreaterThanOrEqual(900)
  })

  it('refuses findings on a repository too small to hold an import cycle', async () => {
    await expect(generateSyntheticRepo(await freshDir(), {modules: 1, withFindings: true})).rejects.toThrow(/at least 2 modules/)
  })
})

describe('generateSyntheticRepo with findings', () => {
  let dir: string

  beforeAll(async () => {
    dir = await freshDir()
    await generateSyntheticRepo(dir, {withFindings: true})
  })

  it('gives flake8, black, isort and bandit real findings', async () => {
    const [flake8, black, isort, bandit] = await Promise.all([
      tool(dir, 'flake8', ['.']),
      tool(dir, 'black', ['--check', '.']),
      tool(dir, 'isort', ['--check-only', '.']),
      tool(dir, 'bandit', ['-q', '-r', 'tradeflow', '-f', 'json']),
    ])
    expect(flake8.exitCode).toBe(1)
    expect(flake8.stdout).toMatch(/^\.\/tradeflow\/\w+\/\w+\.py:\d+:1: F401 'os' imported but unused$/m)
    expect(flake8.stdout).toMatch(/: E501 line too long/)
    expect(black.exitCode).toBe(1)
    expect(black.stderr).toMatch(/^would reformat .+\.py$/m)
    expect(isort.exitCode).toBe(1)
    expect(isort.stderr).toMatch(/^ERROR: .+\.py Imports are incorrectly sorted/m)
    expect(bandit.exitCode).toBe(1)
    const rules = new Set((JSON.parse(bandit.stdout).results as Array<{test_id: string}>).map((result) => result.test_id))
    expect([...rules].sort()).toEqual(['B101', 'B303', 'B404', 'B602'])
  })

  // One pylint run over the whole repository, as CI runs it, to see the cross-module messages.
  it('gives pylint cyclic-import and duplicate-code across modules', {timeout: 300_000}, async () => {
    const pylint = await tool(dir, 'pylint', ['--output-format=json', 'tradeflow'])
    const symbols = new Set((JSON.parse(pylint.stdout) as Array<{symbol: string}>).map((message) => message.symbol))
    expect(symbols).toEqual(new Set(['cyclic-import', 'duplicate-code', 'unused-import', 'line-too-long']))
    // Bits: 4 warning (unused-import), 8 refactor (cyclic-import, duplicate-code), 16 convention (line-too-long).
    expect(pylint.exitCode).toBe(4 | 8 | 16)
  })
})
