import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {prepareFactsRun, readFactsReport, wholeRepositoryMessages} from '../../../src/cache/pylint-facts.js'
import type {Finding} from '../../../src/checks/types.js'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, {recursive: true, force: true})))
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-facts-unit-'))
  dirs.push(dir)
  return dir
}

const MODULE = {name: 'pkg.a', statements: 3, encoding: 'utf-8', hashing: '3.11 siphash13 seed 0', windows: [1, 2], unlisted: [], imports: ['pkg.b'], excluded: []}

async function reportFrom(value: unknown, root = '/repo') {
  const dir = await tempDir()
  await writeFile(path.join(dir, 'facts.json'), typeof value === 'string' ? value : JSON.stringify(value))
  return readFactsReport(dir, root)
}

describe('the plugin run', () => {
  it('puts the plugin and the records of the other files where the run reads them', async () => {
    const dir = await tempDir()
    const run = await prepareFactsRun(dir, {whole: {order: ['pkg/a.py'], modules: {'pkg/a.py': MODULE}}})
    expect(run).toEqual({args: ['--load-plugins=cicd_pylint_facts', '--enable=cicd-facts'], pythonPath: dir, env: {CICD_PYLINT_FACTS: dir}})
    expect(await readFile(path.join(dir, 'cicd_pylint_facts.py'), 'utf8')).toMatch(/^def register\(linter\):/m)
    expect(JSON.parse(await readFile(path.join(dir, 'whole.json'), 'utf8'))).toEqual({order: ['pkg/a.py'], modules: {'pkg/a.py': MODULE}})
  })

  it('writes no input when the run only records', async () => {
    const dir = await tempDir()
    await prepareFactsRun(dir, {})
    await expect(readFile(path.join(dir, 'whole.json'), 'utf8')).rejects.toThrow(/ENOENT/)
  })
})

describe('the plugin report', () => {
  it('reads modules by repository path, and the whole run statements', async () => {
    const report = await reportFrom({format: 1, failure: null, modules: {'pkg/a.py': MODULE, '/repo/pkg/b.py': {...MODULE, name: 'pkg.b'}}, whole: {statements: 6}})
    expect([...(report?.modules.keys() ?? [])]).toEqual(['pkg/a.py', 'pkg/b.py'])
    expect(report?.whole).toEqual({statements: 6})
    expect((await reportFrom({format: 1, failure: null, modules: {}, whole: null}))?.whole).toBeUndefined()
  })

  it.each([
    ['a failure', {format: 1, failure: 'a file has no record'}],
    ['another format', {format: 2, failure: null, modules: {}}],
    ['a malformed record', {format: 1, failure: null, modules: {'pkg/a.py': {...MODULE, windows: ['1']}}}],
    ['a record without statements', {format: 1, failure: null, modules: {'pkg/a.py': {name: 'pkg.a', encoding: 'utf-8'}}}],
    ['no JSON', 'Traceback'],
  ])('is not used with %s', async (_label, value) => {
    expect(await reportFrom(value)).toBeUndefined()
  })

  it('is not used when the plugin wrote none', async () => {
    expect(await readFactsReport(await tempDir(), '/repo')).toBeUndefined()
  })
})

describe('the cross-module messages of a run that reported for every file', () => {
  it('are filed under the last checked file, as a run over every file files them', () => {
    const finding = (rule: string, file: string): Finding => ({tool: 'pylint', rule, severity: 'note', file, line: 1, column: 1, message: rule})
    const messages = wholeRepositoryMessages([finding('duplicate-code', 'pkg/c.py'), finding('unused-import', 'pkg/c.py'), finding('cyclic-import', 'pkg/c.py')], ['pkg/a.py', 'pkg/z.py'])
    expect(messages.map((f) => `${f.rule} ${f.file}`)).toEqual(['duplicate-code pkg/z.py', 'cyclic-import pkg/z.py'])
  })
})
