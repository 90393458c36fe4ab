// `cicd check` on bad input: each case gets a message that names the problem and the fix, the documented
// exit code, and no stack trace.
import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {runCli, type CliResult} from '../../helpers/cli.js'
import {createTempRepo, EXAMPLE_PLATFORM, type TempRepo} from '../../helpers/repo.js'

const STACK_FRAME = /\n\s+at .+:\d+:\d+\)?\n/

function expectCleanError(result: CliResult, exitCode: number, ...phrases: RegExp[]): void {
  expect(result.exitCode, result.stderr).toBe(exitCode)
  expect(result.stderr).not.toMatch(STACK_FRAME)
  for (const phrase of phrases) expect(result.stderr).toMatch(phrase)
}

interface CheckJson {
  exitCode: number
  phases: {checks: {id: string; status: string; reason?: string; findings: {file: string; line: number; rule: string}[]}[]}[]
}

const checksOf = (stdout: string) => new Map((JSON.parse(stdout) as CheckJson).phases.flatMap((p) => p.checks).map((c) => [c.id, c]))

describe('cicd check on bad input', () => {
  const repos: TempRepo[] = []
  const dirs: string[] = []
  const repo = async (from?: string) => {
    const created = await createTempRepo({from})
    repos.push(created)
    return created
  }

  afterAll(async () => {
    await Promise.all(repos.map((r) => r.remove()))
    await Promise.all(dirs.map((d) => rm(d, {recursive: true, force: true})))
  })

  it('outside a git repository: exit 2 and how to fix it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-nogit-'))
    dirs.push(dir)
    await writeFile(path.join(dir, 'a.py'), 'x = 1\n')
    expectCleanError(await runCli(['check', '--cwd', dir]), 2, /not inside a git repository/, /git init/)
  })

  it('a directory that does not exist: exit 2', async () => {
    expectCleanError(await runCli(['check', '--cwd', '/nonexistent/cicd-dir']), 2, /does not exist/)
  })

  it('a repository without Python files: exit 2 naming paths.include', async () => {
    const empty = await repo()
    await empty.write('README.md', '# nothing here\n')
    await empty.commitAll()
    expectCleanError(await runCli(['check', '--cwd', empty.dir, '--runner', 'local']), 2, /No Python files/, /paths\.include/)
  })

  it('an unknown check id: exit 2 with the nearest id', async () => {
    const example = await repo(EXAMPLE_PLATFORM)
    expectCleanError(await runCli(['check', '--cwd', example.dir, '--only', 'flake9']), 2, /flake9/, /Did you mean "flake8"/)
  })

  it('an invalid configuration: exit 2 listing the key path', async () => {
    const bad = await repo(EXAMPLE_PLATFORM)
    await bad.write('.cicdrc.json', JSON.stringify({checks: {pylint: {failUnder: 'seven'}}, runer: 'local'}))
    expectCleanError(await runCli(['check', '--cwd', bad.dir]), 2, /checks\.pylint\.failUnder/, /runer/, /runner/)
  })

  it('a tool missing locally: the other checks run, exit 3 says how to install it', async () => {
    const missing = await repo(EXAMPLE_PLATFORM)
    await missing.write('.cicdrc.json', JSON.stringify({checks: {bandit: {path: '/nonexistent/bin/bandit'}}}))
    const result = await runCli(['check', '--cwd', missing.dir, '--runner', 'local', '--skip', 'safety', '--json'])
    expectCleanError(result, 3, /bandit is not installed/, /--skip bandit/)
    const checks = checksOf(result.stdout)
    expect(checks.get('bandit')!.status).toBe('error')
    expect(checks.get('flake8')!.status).toBe('passed')
  })

  it('a tool that crashes is an error, not findings: exit 1 with what it said', async () => {
    const crashing = await repo(EXAMPLE_PLATFORM)
    const fake = path.join(crashing.dir, '..', `crashing-flake8-${path.basename(crashing.dir)}`)
    dirs.push(fake)
    await writeFile(fake, '#!/bin/sh\necho "Traceback (most recent call last):" >&2\necho "KeyError: plugin" >&2\nexit 1\n')
    await chmod(fake, 0o755)
    await crashing.write('.cicdrc.json', JSON.stringify({checks: {flake8: {path: fake}}}))
    const result = await runCli(['check', '--cwd', crashing.dir, '--runner', 'local', '--only', 'flake8', '--json'])
    expect(result.exitCode).toBe(1)
    const flake8 = checksOf(result.stdout).get('flake8')!
    expect(flake8.status).toBe('error')
    expect(flake8.findings).toEqual([])
    expect(flake8.reason).toMatch(/KeyError: plugin/)
  })

  it('a syntax error, a file that is not UTF-8, and paths with spaces and unicode are findings on those files', async () => {
    const odd = await repo(EXAMPLE_PLATFORM)
    await odd.write('src/broken module.py', 'def broken(:\n    return 1\n')
    await odd.write('src/ünï côdé.py', 'import os\n')
    await odd.write('src/latin1.py', Buffer.concat([Buffer.from('# -*- coding: utf-8 -*-\nNAME = "'), Buffer.from([0xe9, 0xe8]), Buffer.from('"\n')]))
    await odd.commitAll('odd files')
    const result = await runCli(['check', '--cwd', odd.dir, '--runner', 'local', '--skip', 'safety', '--json'])
    expect(result.stderr).not.toMatch(STACK_FRAME)
    const checks = checksOf(result.stdout)
    for (const id of ['flake8', 'pylint', 'black', 'isort', 'bandit']) expect(checks.get(id)!.status, id).not.toBe('error')
    const flake8Files = checks.get('flake8')!.findings.map((f) => `${f.file}:${f.rule}`)
    expect(flake8Files).toContain('src/broken module.py:E999')
    expect(flake8Files).toContain('src/ünï côdé.py:F401')
    expect(checks.get('pylint')!.findings.some((f) => f.file === 'src/broken module.py' && f.rule === 'syntax-error')).toBe(true)
    expect(checks.get('black')!.findings.some((f) => f.file === 'src/broken module.py')).toBe(true)
    expect(checks.get('pylint')!.findings.some((f) => f.file === 'src/latin1.py')).toBe(true)
  })

  it('5,000 Python files: no argument-list overflow, every file checked', async () => {
    const big = await repo()
    await Promise.all(
      Array.from({length: 5000}, (_, i) =>
        big.write(`package_${String(Math.floor(i / 100)).padStart(2, '0')}/module_with_a_long_descriptive_name_${i}.py`, i === 4999 ? 'import os\n' : `VALUE_${i} = ${i}\n`),
      ),
    )
    await big.commitAll('many files')
    const result = await runCli(['check', '--cwd', big.dir, '--runner', 'local', '--only', 'flake8,black,isort,bandit', '--json'], {timeoutMs: 600_000})
    expect(result.stderr).not.toMatch(/E2BIG|argument list too long/i)
    const checks = checksOf(result.stdout)
    for (const id of ['flake8', 'black', 'isort', 'bandit']) expect(checks.get(id)!.status, id).not.toBe('error')
    expect(checks.get('flake8')!.findings.map((f) => `${f.file}:${f.rule}`)).toEqual(['package_49/module_with_a_long_descriptive_name_4999.py:F401'])
  }, 600_000)
})
