import {chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {PrerequisiteError} from '../../../src/errors.js'
import {CleanupStack} from '../../../src/lifecycle/cleanup.js'
import {createLocalRunner} from '../../../src/runners/local.js'

describe('local runner', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-local-'))
  })
  afterEach(() => rm(dir, {recursive: true, force: true}))

  it('runs a configured executable with separate streams and its exit code', async () => {
    const tool = path.join(dir, 'fake tool')
    await writeFile(tool, '#!/bin/sh\necho "out $1"\necho "err" >&2\nexit 3\n')
    await chmod(tool, 0o755)
    const runner = createLocalRunner({paths: {fake: tool}})
    const output = await runner.run({argv: ['fake', 'ünï côdé.py'], cwd: dir})
    expect(output).toMatchObject({stdout: 'out ünï côdé.py\n', stderr: 'err\n', exitCode: 3})
    expect((await runner.resolve('fake')).path).toBe(tool)
  })

  it('says how to get a missing tool (exit 3)', async () => {
    const runner = createLocalRunner({paths: {flake8: path.join(dir, 'nope')}})
    const error = await runner.resolve('flake8').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PrerequisiteError)
    expect((error as PrerequisiteError).exitCode).toBe(3)
    expect((error as PrerequisiteError).message).toContain('checks.flake8.path')
    expect((error as PrerequisiteError).nextSteps.join('\n')).toContain('--skip flake8')
  })

  it('identifies an executable by path, size and time, so an upgrade changes the identity', async () => {
    const tool = path.join(dir, 'tool')
    await writeFile(tool, '#!/bin/sh\n')
    await chmod(tool, 0o755)
    const runner = createLocalRunner({paths: {tool}})
    const before = await runner.identify('tool')
    await writeFile(tool, '#!/bin/sh\necho new\n')
    expect(await createLocalRunner({paths: {tool}}).identify('tool')).not.toBe(before)
  })

  it('registers its output directories with the cleanup, so an interrupted run removes them', async () => {
    const cleanup = new CleanupStack()
    const runner = createLocalRunner({cleanup})
    const dir = await runner.outputDir('pytest-home')
    await cleanup.runAll()
    await expect(stat(dir)).rejects.toThrow()
    await runner.dispose()
    expect(cleanup.size).toBe(0)
  })

  it('makes no output directory once an interrupt has removed them, and removes one being made meanwhile', async () => {
    const cleanup = new CleanupStack()
    const runner = createLocalRunner({cleanup})
    const made = await runner.outputDir('pytest')
    // The checks go on winding down while the interrupt cleans up: one asks for a directory just then.
    const meanwhile = runner.outputDir('pytest-home')
    await cleanup.runAll()
    await expect(stat(made)).rejects.toThrow(/ENOENT/)
    await expect(stat(await meanwhile)).rejects.toThrow(/ENOENT/)
    await expect(runner.outputDir('pytest-tmp')).rejects.toThrow('No pytest-tmp directory: the run is ending.')
  })

  it('gives each invocation its own output directory and removes them all on dispose', async () => {
    const runner = createLocalRunner()
    const a = await runner.outputDir('pylint-0')
    const b = await runner.outputDir('pylint-0')
    expect(a).not.toBe(b)
    await runner.dispose()
    await expect(stat(a)).rejects.toThrow()
    await expect(stat(b)).rejects.toThrow()
  })

  it('runs a Python script with the cyclic collector off as Python runs it, and anything else as it is', async () => {
    // The script reports what a tool could notice about how it was started.
    const script = path.join(dir, 'real', 'tool')
    await mkdir(path.dirname(script))
    await writeFile(script, [
      '#!/usr/bin/python3 -s',
      'import gc, json, sys',
      'print(json.dumps({"gc": gc.isenabled(), "argv": sys.argv, "path0": sys.path[0], "name": __name__, "file": __file__, "user_site": sys.flags.no_user_site}))',
      'sys.exit(5)',
      '',
    ].join('\n'))
    await chmod(script, 0o755)
    // Started through a symbolic link, as pip's and Debian's bin/ entries often are.
    const link = path.join(dir, 'bin', 'tool')
    await mkdir(path.dirname(link))
    await symlink(script, link)
    const runner = createLocalRunner({paths: {tool: link}})
    expect((await runner.resolve('tool')).python).toEqual({program: '/usr/bin/python3', args: ['-s']})

    const direct = await runner.run({argv: ['tool', 'a b', 'ünï.py'], cwd: dir})
    const launched = await runner.run({argv: ['tool', 'a b', 'ünï.py'], cwd: dir, withoutCyclicGc: true})
    expect(direct.exitCode).toBe(5)
    expect(launched.exitCode).toBe(5)
    expect(JSON.parse(direct.stdout)).toMatchObject({gc: true, argv: [link, 'a b', 'ünï.py'], path0: path.dirname(script), name: '__main__', user_site: 1})
    expect(JSON.parse(launched.stdout)).toEqual({...JSON.parse(direct.stdout), gc: false})

    const shell = path.join(dir, 'shell-tool')
    await writeFile(shell, '#!/bin/sh\necho "shell $1"\n')
    await chmod(shell, 0o755)
    const shellRunner = createLocalRunner({paths: {shell}})
    expect((await shellRunner.resolve('shell')).python).toBeUndefined()
    expect(await shellRunner.run({argv: ['shell', 'x'], cwd: dir, withoutCyclicGc: true})).toMatchObject({stdout: 'shell x\n', exitCode: 0})
  })
})
