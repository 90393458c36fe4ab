// Runs the real Python tools from /usr/bin with the argv cicd builds, on a temp directory holding
// deliberately bad files (a path with a space and a unicode name, a syntax error, a file that is not
// UTF-8, a name starting with a dash), and checks what the
// parsers make of their real output. safety and pip-audit cannot be installed here: their coverage is the
// recorded real reports in test/unit/checks.
import {mkdtemp, mkdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {bandit} from '../../src/checks/bandit.js'
import {black} from '../../src/checks/black.js'
import {flake8} from '../../src/checks/flake8.js'
import {isort} from '../../src/checks/isort.js'
import {pylint} from '../../src/checks/pylint.js'
import type {CheckDefinition, CheckSettings, Finding, ParseResult, ToolOutput} from '../../src/checks/types.js'
import {compareFindings} from '../../src/pipeline/execute-check.js'
import {createLocalRunner} from '../../src/runners/local.js'

const BAD = `import os, sys
import subprocess
import json
from collections import OrderedDict
def add(a,b):
    password = "hunter2"
    if a == None:
        return b
    x = eval("1+1")
    subprocess.call("ls " + str(b), shell=True)
    return a+b
class thing:
  def method(self):
      unused = 1
      return  os.path.join( "a","b" )
`

const UNICODE_FILE = 'with space/ünï côdé.py'
const FILES = ['pkg/__init__.py', 'pkg/bad.py', 'pkg/syntax_error.py', 'pkg/latin1.py', UNICODE_FILE, '-dash.py']

let root: string

async function run(definition: CheckDefinition, files: string[], settings: CheckSettings = {args: []}): Promise<ToolOutput> {
  const [tool, ...args] = definition.argv(files, settings)
  const started = Date.now()
  const result = await execa(`/usr/bin/${tool}`, args, {
    cwd: root,
    reject: false,
    // Keep black's cache and anything else a tool writes under the temp directory.
    env: {HOME: root, XDG_CACHE_HOME: join(root, '.cache')},
  })
  return {stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? -1, durationMs: Date.now() - started}
}

async function check(definition: CheckDefinition, files = FILES, settings?: CheckSettings): Promise<{findings: Finding[]; score?: number}> {
  const result: ParseResult = definition.parse(await run(definition, files, settings), {root})
  if (result.kind === 'error') throw new Error(`${definition.id}: ${result.message}`)
  return result
}

function at(findings: Finding[], file: string): Array<[string, number, number]> {
  return findings.filter((finding) => finding.file === file).map((finding) => [finding.rule, finding.line, finding.column])
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cicd-checks-'))
  await mkdir(join(root, 'pkg'))
  await mkdir(join(root, 'with space'))
  await writeFile(join(root, 'pkg/__init__.py'), '')
  await writeFile(join(root, 'pkg/bad.py'), BAD)
  await writeFile(join(root, 'pkg/syntax_error.py'), 'def broken(:\n    pass\n')
  await writeFile(join(root, UNICODE_FILE), 'import sys,os\nprint( os.sep, sys.argv )\n')
  // Declared UTF-8, written in Latin-1: not decodable.
  await writeFile(join(root, 'pkg/latin1.py'), Buffer.from('# -*- coding: utf-8 -*-\nx = "\xe9t\xe9"\n', 'latin1'))
  await writeFile(join(root, '-dash.py'), 'import os\n')
})

afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

describe('the parsers on the real tools in /usr/bin', () => {
  it('flake8: violations in every file, the syntax error as E999', async () => {
    const {findings} = await check(flake8, FILES, {args: [], maxLineLength: 120})
    expect(findings).toHaveLength(24)
    expect(at(findings, 'pkg/syntax_error.py')).toEqual([['E999', 1, 13]])
    expect(at(findings, '-dash.py')).toEqual([['F401', 1, 1]])
    expect(at(findings, UNICODE_FILE)).toEqual([
      ['E401', 1, 11],
      ['E231', 1, 11],
      ['E201', 2, 7],
      ['E202', 2, 24],
    ])
    expect(findings.find((f) => f.rule === 'F401')).toMatchObject({file: 'pkg/bad.py', line: 1, column: 1, severity: 'error'})
  })

  it('pylint: messages with 1-based columns and the score, from one run', async () => {
    const {findings, score} = await check(pylint)
    expect(score).toBe(0)
    expect(at(findings, 'pkg/syntax_error.py')).toEqual([['syntax-error', 1, 13]])
    expect(at(findings, 'pkg/latin1.py')).toEqual([['parse-error', 1, 1]])
    expect(at(findings, UNICODE_FILE)).toContainEqual(['non-ascii-file-name', 1, 1])
    expect(at(findings, '-dash.py')).toContainEqual(['unused-import', 1, 1])
    expect(findings.find((f) => f.rule === 'eval-used')).toMatchObject({file: 'pkg/bad.py', line: 9, column: 9, severity: 'warning'})
    expect(findings).toHaveLength(30)
  })

  it('pylint: a clean file gets its score of 10', async () => {
    await writeFile(join(root, 'clean.py'), '"""A clean module."""\n\nVALUE = 1\n')
    const {findings, score} = await check(pylint, ['clean.py'])
    expect(findings).toEqual([])
    expect(score).toBe(10)
  })

  it('black: a finding per hunk, the unparsable and undecodable files as cannot-format', async () => {
    const {findings} = await check(black)
    expect(at(findings, 'pkg/syntax_error.py')).toEqual([['cannot-format', 1, 12]])
    expect(at(findings, 'pkg/latin1.py')).toEqual([['cannot-format', 0, 0]])
    expect(at(findings, 'pkg/bad.py')).toEqual([['format', 5, 0]])
    expect(at(findings, UNICODE_FILE)).toEqual([['format', 1, 0]])
    expect(findings).toHaveLength(4)
  })

  it('isort: absolute paths made relative, a finding per hunk, the undecodable file as cannot-parse', async () => {
    const {findings} = await check(isort)
    expect(at(findings, 'pkg/bad.py')).toEqual([['import-order', 1, 0]])
    expect(at(findings, UNICODE_FILE)).toEqual([['import-order', 1, 0]])
    expect(at(findings, 'pkg/latin1.py')).toEqual([['cannot-parse', 0, 0]])
    expect(findings).toHaveLength(3)
  })

  it('bandit: issues by severity, the unparsable and undecodable files as bandit-error', async () => {
    const {findings} = await check(bandit)
    expect(findings.map((f) => [f.rule, f.file, f.line, f.severity])).toEqual([
      ['B404', 'pkg/bad.py', 2, 'note'],
      ['B307', 'pkg/bad.py', 9, 'warning'],
      ['B602', 'pkg/bad.py', 10, 'error'],
      ['bandit-error', 'pkg/latin1.py', 0, 'error'],
      ['bandit-error', 'pkg/syntax_error.py', 0, 'error'],
    ])
  })

  it('tells a crashed or misused tool from findings', async () => {
    const crashes = [
      flake8.parse(await run(flake8, ['pkg/bad.py'], {args: ['--no-such-option']}), {root}),
      pylint.parse(await run(pylint, ['missing_module.py']), {root}),
      pylint.parse(await run(pylint, ['pkg/bad.py'], {args: ['--no-such-option']}), {root}),
      black.parse(await run(black, ['missing.py']), {root}),
      // A missing path is only skipped under --filter-files (which cicd passes), so misuse is an unknown option.
      isort.parse(await run(isort, ['pkg/bad.py'], {args: ['--no-such-option']}), {root}),
      bandit.parse(await run(bandit, ['pkg/bad.py'], {args: ['--exit-zero']}), {root}),
    ]
    expect(crashes.map((result) => result.kind)).toEqual(['error', 'error', 'error', 'error', 'error', 'error'])
  })

  it('keeps flake8 and black to one process with options the installed versions accept, which change no finding', async () => {
    for (const definition of [flake8, black]) {
      const result = await execa(`/usr/bin/${definition.tool}`, definition.versionArgv, {reject: false})
      const version = definition.parseVersion({stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? -1, durationMs: 0})
      const oneProcess = definition.oneProcessArgs?.(version) ?? []
      expect(oneProcess, definition.id).not.toEqual([])
      // Sorted as cicd sorts them: with several workers, black prints its files in the order they finish.
      const sorted = ({findings}: {findings: Finding[]}) => [...findings].sort(compareFindings)
      expect(sorted(await check(definition, FILES, {args: oneProcess})), definition.id).toEqual(sorted(await check(definition)))
    }
    // An older black without --workers gets nothing it would reject.
    expect(black.oneProcessArgs?.('21.12b0')).toEqual([])
    expect(black.oneProcessArgs?.(undefined)).toEqual([])
  })

  it('runs pylint with the cyclic collector off and gets exactly what pylint reports when run directly', async () => {
    const runner = createLocalRunner({paths: {pylint: '/usr/bin/pylint'}})
    const [tool, ...args] = pylint.argv(FILES, {args: []})
    const output = await runner.run({argv: [tool, ...args], cwd: root, env: {HOME: root, XDG_CACHE_HOME: join(root, '.cache')}, withoutCyclicGc: true})
    const launched = pylint.parse(output, {root})
    expect(launched.kind).toBe('findings')
    expect(launched).toEqual(await check(pylint))
    await runner.dispose()
  })

  it('reads every tool version', async () => {
    for (const definition of [flake8, pylint, black, isort, bandit]) {
      const result = await execa(`/usr/bin/${definition.tool}`, definition.versionArgv, {reject: false})
      const output = {stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? -1, durationMs: 0}
      expect(definition.parseVersion(output), definition.id).toMatch(/^\d+\.\d+\.\d+$/)
    }
  })
})
