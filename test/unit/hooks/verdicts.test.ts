// The verdict cache's rules on real files: what a remembered pass is keyed by, what invalidates it (a tool
// that changed or that PATH now finds elsewhere), and which runs are never remembered.
import {chmod, mkdir, mkdtemp, readdir, rm, utimes, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {fileVerdictStore, type VerdictKey} from '../../../src/hooks/verdicts.js'
import type {RunResult} from '../../../src/pipeline/result.js'

let dir: string
let tools: string
let savedPath: string | undefined

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-verdicts-'))
  tools = path.join(dir, 'bin')
  await mkdir(tools)
  await writeFile(path.join(tools, 'flake8'), '#!/bin/sh\nexit 0\n')
  await chmod(path.join(tools, 'flake8'), 0o755)
  savedPath = process.env.PATH
  process.env.PATH = `${tools}:/usr/bin:/bin`
})

afterEach(async () => {
  process.env.PATH = savedPath
  await rm(dir, {recursive: true, force: true})
})

const key: VerdictKey = {tree: 'a'.repeat(40), destination: 'refs/heads/feature/x', files: ['pkg/a.py', 'pkg/b.py'], skip: ['safety'], cicdVersion: '1.0.0'}

function run(overrides: Partial<RunResult> = {}, phase: 'static' | 'build' = 'static'): RunResult {
  return {
    ok: true,
    exitCode: 0,
    durationMs: 5,
    runner: 'local',
    root: '/repo',
    startedAt: new Date().toISOString(),
    resultCache: 'on',
    runnerChoice: 'local',
    phases: [{id: phase, status: 'passed', durationMs: 5, checks: [{id: 'flake8', tool: 'flake8', phase, status: 'passed', cached: false, durationMs: 5, findings: [], gate: 'block', toolPath: path.join(tools, 'flake8')}]}],
    ...overrides,
  }
}

describe('fileVerdictStore', () => {
  it('remembers a passing local static run for exactly its key (file order and skip order aside)', async () => {
    const store = fileVerdictStore(path.join(dir, 'verdicts'))
    expect(await store.passedAt(key)).toBeUndefined()
    expect(await store.remember(key, run())).toBe(true)
    expect(await store.passedAt(key)).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(await store.passedAt({...key, files: ['pkg/b.py', 'pkg/a.py']})).toBeDefined()
    for (const other of [{tree: 'b'.repeat(40)}, {destination: 'refs/heads/develop'}, {files: ['pkg/a.py']}, {files: undefined}, {skip: []}, {cicdVersion: '1.0.1'}]) {
      expect(await store.passedAt({...key, ...other}), JSON.stringify(other)).toBeUndefined()
    }
  })

  it('forgets it when the tool file changes or PATH finds another one first', async () => {
    const store = fileVerdictStore(path.join(dir, 'verdicts'))
    await store.remember(key, run())
    const later = new Date(Date.now() + 60_000)
    await utimes(path.join(tools, 'flake8'), later, later)
    expect(await store.passedAt(key)).toBeUndefined()

    await store.remember(key, run())
    expect(await store.passedAt(key)).toBeDefined()
    const shadow = path.join(dir, 'shadow')
    await mkdir(shadow)
    await writeFile(path.join(shadow, 'flake8'), '#!/bin/sh\nexit 0\n')
    await chmod(path.join(shadow, 'flake8'), 0o755)
    process.env.PATH = `${shadow}:${process.env.PATH}`
    expect(await store.passedAt(key)).toBeUndefined()
  })

  it("forgets it when a Python tool's installation or its per-user configuration changes", async () => {
    // A Python tool: its interpreter's site-packages are witnesses, and so is ~/.pylintrc.
    const python = path.join(tools, 'python3')
    await writeFile(python, '#!/bin/sh\nexec /usr/bin/python3 "$@"\n')
    await chmod(python, 0o755)
    const sitePackages = path.join(dir, 'site-packages')
    await mkdir(sitePackages)
    await writeFile(path.join(tools, 'pylint'), `#!${python}\nimport sys\n`)
    await chmod(path.join(tools, 'pylint'), 0o755)
    const saved = {home: process.env.HOME, pythonPath: process.env.PYTHONPATH}
    process.env.HOME = dir
    process.env.PYTHONPATH = sitePackages
    try {
      const store = fileVerdictStore(path.join(dir, 'verdicts'))
      const pylintRun = run()
      pylintRun.phases[0].checks[0] = {...pylintRun.phases[0].checks[0], id: 'pylint', tool: 'pylint', toolPath: path.join(tools, 'pylint')}
      expect(await store.remember(key, pylintRun)).toBe(true)
      expect(await store.passedAt(key)).toBeDefined()
      // A package installed into a directory on the interpreter's sys.path.
      const later = new Date(Date.now() + 60_000)
      await mkdir(path.join(sitePackages, 'pylint_plugin'))
      await utimes(sitePackages, later, later)
      expect(await store.passedAt(key)).toBeUndefined()

      await store.remember(key, pylintRun)
      expect(await store.passedAt(key)).toBeDefined()
      await writeFile(path.join(dir, '.pylintrc'), '[MESSAGES CONTROL]\ndisable=all\n')
      expect(await store.passedAt(key)).toBeUndefined()
    } finally {
      process.env.HOME = saved.home
      process.env.PYTHONPATH = saved.pythonPath
    }
  })

  it('keys on the Python settings of the environment', async () => {
    const store = fileVerdictStore(path.join(dir, 'verdicts'))
    await store.remember(key, run())
    const saved = process.env.PYLINTRC
    process.env.PYLINTRC = '/elsewhere/pylintrc'
    try {
      expect(await store.passedAt(key)).toBeUndefined()
    } finally {
      if (saved === undefined) delete process.env.PYLINTRC
      else process.env.PYLINTRC = saved
    }
    expect(await store.passedAt(key)).toBeDefined()
  })

  it('treats a damaged verdict file as no verdict', async () => {
    const store = fileVerdictStore(path.join(dir, 'verdicts'))
    await store.remember(key, run())
    const [file] = await readdir(path.join(dir, 'verdicts'))
    for (const damaged of ['{}', 'null', '{"passedAt": "x", "tools": 3}', 'not json']) {
      await writeFile(path.join(dir, 'verdicts', file!), damaged)
      expect(await store.passedAt(key)).toBeUndefined()
    }
  })

  it('never remembers a failure, the container runner or one chosen by auto, image phases, or a run without the result cache', async () => {
    const store = fileVerdictStore(path.join(dir, 'verdicts'))
    expect(await store.remember(key, run({ok: false, exitCode: 1}))).toBe(false)
    expect(await store.remember(key, run({runner: 'container'}))).toBe(false)
    expect(await store.remember(key, run({runnerChoice: 'auto'}))).toBe(false)
    expect(await store.remember(key, run({}, 'build'))).toBe(false)
    expect(await store.remember(key, run({resultCache: 'off'}))).toBe(false)
    expect(await store.passedAt(key)).toBeUndefined()
  })
})
