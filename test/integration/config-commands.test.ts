// `cicd config` and `cicd init` run as a user runs them: the built CLI (npm run build) in temporary git
// repositories.
import {access, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import {REPO_ROOT, runCli} from '../helpers/cli.js'
import {createTempRepo, type TempRepo} from '../helpers/repo.js'

const repos: TempRepo[] = []
async function repo(): Promise<TempRepo> {
  const created = await createTempRepo({prefix: 'cicd-config-cli-'})
  repos.push(created)
  return created
}

beforeAll(async () => {
  await access(path.join(REPO_ROOT, 'dist/commands/config.js')).catch(() => {
    throw new Error('The CLI is not built: run `npm run build` first.')
  })
})
afterEach(async () => {
  await Promise.all(repos.splice(0).map((created) => created.remove()))
})

interface ConfigDocument {
  file: string | null
  config: {runner: string; checks: {pylint: {failUnder: number; gate: string}}; concurrency: number}
  sources: Record<string, string>
}

async function configJson(cwd: string): Promise<ConfigDocument> {
  const result = await runCli(['config', '--json', '--cwd', cwd])
  expect(result.stderr).toBe('')
  expect(result.exitCode).toBe(0)
  return JSON.parse(result.stdout) as ConfigDocument
}

describe('cicd config', () => {
  it.each([
    ['.cicdrc.json', '{"runner": "local", "checks": {"pylint": {"failUnder": 8.5}}}', ''],
    ['.cicdrc.yaml', 'runner: local\nchecks:\n  pylint:\n    failUnder: 8.5\n', ''],
    ['cicd.config.mjs', 'export default {runner: "local", checks: {pylint: {failUnder: 8.5}}}\n', ''],
    ['package.json', '{"name": "platform", "private": true, "cicd": {"runner": "local", "checks": {"pylint": {"failUnder": 8.5}}}}\n', 'cicd.'],
    ['pyproject.toml', '[tool.black]\nline-length = 120\n\n[tool.cicd]\nrunner = "local"\n\n[tool.cicd.checks.pylint]\nfailUnder = 8.5\n', 'tool.cicd.'],
  ])('--json reads %s and says where each value came from', async (name, text, prefix) => {
    const {dir, write} = await repo()
    await write(name, text)
    const document = await configJson(dir)
    expect(document.file).toBe(path.join(dir, name))
    expect(document.config.runner).toBe('local')
    expect(document.config.checks.pylint).toMatchObject({failUnder: 8.5, gate: 'warn'})
    expect(document.sources['checks.pylint.failUnder']).toBe(`${name}#${prefix}checks.pylint.failUnder`)
    expect(document.sources['checks.pylint.gate']).toBe('default')
  })

  it('finds the configuration at the repository root from a subdirectory', async () => {
    const {dir, write} = await repo()
    await write('.cicdrc.yaml', 'concurrency: 2\n')
    await write('src/jobs/etl.py', 'print(1)\n')
    const document = await configJson(path.join(dir, 'src/jobs'))
    expect(document.file).toBe(path.join(dir, '.cicdrc.yaml'))
    expect(document.config.concurrency).toBe(2)
  })

  it('prints a readable table of values and sources', async () => {
    const {dir, write} = await repo()
    await write('.cicdrc.yaml', 'checks:\n  pylint:\n    failUnder: 8.5\n')
    const result = await runCli(['config', '--cwd', dir])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('Configuration: .cicdrc.yaml')
    expect(result.stdout).toMatch(/^checks\.pylint\.failUnder +8\.5 +\.cicdrc\.yaml$/m)
    expect(result.stdout).toMatch(/^checks\.flake8\.maxLineLength +120 +default$/m)
  })

  it('an invalid file exits 2 listing every problem, without a stack trace', async () => {
    const {dir, write} = await repo()
    await write('.cicdrc.yaml', 'runner: docker\nchecks:\n  flake9: {}\n  pylint:\n    failUnder: seven\n')
    const result = await runCli(['config', '--json', '--cwd', dir])
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('Invalid configuration in .cicdrc.yaml (3 problems):')
    expect(result.stderr).toContain('runner: expected one of "auto", "local", "container", got "docker"')
    expect(result.stderr).toContain('checks.flake9: unknown key; did you mean "flake8"?')
    expect(result.stderr).toContain('checks.pylint.failUnder: expected a number, got "seven"')
    expect(result.stderr).not.toMatch(/^\s+at /m)
  })

  it('a file that does not parse exits 2 naming the file and the line', async () => {
    const {dir, write} = await repo()
    await write('pyproject.toml', '[tool.cicd]\nrunner = "local\n')
    const result = await runCli(['config', '--cwd', dir])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toMatch(/Cannot read the configuration in pyproject\.toml at line 2, column \d+/)
    expect(result.stderr).not.toMatch(/^\s+at /m)
  })

  it('remembers a valid configuration by what the file holds: validated once, again after any change, never when invalid', async () => {
    const {dir, write} = await repo()
    const cacheHome = await mkdtemp(path.join(os.tmpdir(), 'cicd-config-memory-'))
    const memories = path.join(cacheHome, 'cicd', 'configs')
    const config = async () => {
      const result = await runCli(['config', '--json', '--cwd', dir], {env: {XDG_CACHE_HOME: cacheHome}})
      return {exitCode: result.exitCode, stderr: result.stderr, document: result.exitCode === 0 ? (JSON.parse(result.stdout) as ConfigDocument) : undefined}
    }
    try {
      await write('.cicdrc.yaml', 'concurrency: 2\n')
      const first = await config()
      expect(first.document?.config.concurrency).toBe(2)
      const [memory] = await readdir(memories)
      expect(await readdir(memories)).toHaveLength(1)
      expect(await config()).toEqual(first)
      // Answered from memory: a memory altered by hand shows through.
      const remembered = JSON.parse(await readFile(path.join(memories, memory), 'utf8')) as {config: {concurrency: number}}
      expect(remembered.config.concurrency).toBe(2)
      await writeFile(path.join(memories, memory), JSON.stringify({...remembered, config: {...remembered.config, concurrency: 7}}))
      expect((await config()).document?.config.concurrency).toBe(7)
      // A damaged memory is validated again and rewritten.
      await writeFile(path.join(memories, memory), '{"config": ')
      expect(await config()).toEqual(first)

      await write('.cicdrc.yaml', 'concurrency: 3\n')
      expect((await config()).document?.config.concurrency).toBe(3)
      expect(await readdir(memories)).toHaveLength(2)
      await write('.cicdrc.yaml', 'concurrency: three\n')
      expect((await config()).exitCode).toBe(2)
      expect((await config()).stderr).toContain('concurrency: expected')
      expect(await readdir(memories)).toHaveLength(2)
    } finally {
      await rm(cacheHome, {recursive: true, force: true})
    }
  })
})

describe('cicd init', () => {
  it('writes a commented .cicdrc.yaml that resolves to the defaults, and refuses to overwrite it', async () => {
    const {dir, read} = await repo()
    const defaults = await configJson(dir)

    const first = await runCli(['init', '--cwd', dir])
    expect(first.exitCode).toBe(0)
    expect(first.stdout).toContain(path.join(dir, '.cicdrc.yaml'))
    expect(await read('.cicdrc.yaml')).toMatch(/^# cicd configuration/)

    const written = await configJson(dir)
    expect(written.file).toBe(path.join(dir, '.cicdrc.yaml'))
    expect(written.config).toEqual(defaults.config)

    const again = await runCli(['init', '--cwd', dir])
    expect(again.exitCode).toBe(2)
    expect(again.stderr).toContain('A cicd configuration already exists: .cicdrc.yaml')
    expect(again.stderr).toContain('--force')

    const forced = await runCli(['init', '--force', '--cwd', dir])
    expect(forced.exitCode).toBe(0)
  })

  it('--format pyproject appends [tool.cicd] and keeps the other tables; never replaces an existing one', async () => {
    const {dir, write, read} = await repo()
    const own = '[tool.black]\nline-length = 120\n\n[tool.isort]\nprofile = "black"\n'
    await write('pyproject.toml', own)
    const result = await runCli(['init', '--format', 'pyproject', '--cwd', dir])
    expect(result.exitCode).toBe(0)
    const text = await read('pyproject.toml')
    expect(text.startsWith(own)).toBe(true)
    expect(text).toMatch(/^\[tool\.cicd\]$/m)
    expect((await configJson(dir)).file).toBe(path.join(dir, 'pyproject.toml'))

    const again = await runCli(['init', '--format', 'pyproject', '--force', '--cwd', dir])
    expect(again.exitCode).toBe(2)
    expect(again.stderr).toContain('pyproject.toml already has a [tool.cicd] table')
    expect(await read('pyproject.toml')).toBe(text)
  })

  it('--format json writes .cicdrc.json; --force refuses when a file that takes precedence would hide it', async () => {
    const {dir, write} = await repo()
    const json = await runCli(['init', '--format', 'json', '--cwd', dir])
    expect(json.exitCode).toBe(0)
    expect((await configJson(dir)).file).toBe(path.join(dir, '.cicdrc.json'))

    await write('.cicdrc', 'runner: local\n')
    const hidden = await runCli(['init', '--force', '--cwd', dir])
    expect(hidden.exitCode).toBe(2)
    expect(hidden.stderr).toContain('.cicdrc takes precedence over .cicdrc.yaml')
  })

  it('outside a git repository exits 2 and says what to do', async () => {
    const plain = await mkdtemp(path.join(os.tmpdir(), 'cicd-not-a-repo-'))
    try {
      const result = await runCli(['init', '--cwd', plain])
      expect(result.exitCode).toBe(2)
      expect(result.stderr).toContain('is not inside a git repository')
      await expect(access(path.join(plain, '.cicdrc.yaml'))).rejects.toThrow()
    } finally {
      await rm(plain, {recursive: true, force: true})
    }
  })
})
