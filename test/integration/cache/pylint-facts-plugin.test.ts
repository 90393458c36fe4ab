// cicd's pylint plugin with the real pylint from /usr/bin: what it records per module, and that it reports a
// failure (so cicd runs pylint over every file instead) rather than a wrong answer when it cannot do its job.
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {execa} from 'execa'
import {afterEach, describe, expect, it} from 'vitest'

import {type FactsRequest, prepareFactsRun, readFactsReport} from '../../../src/cache/pylint-facts.js'
import {readStatements} from '../../../src/cache/pylint-split.js'
import {createTempRepo, type TempRepo} from '../../helpers/repo.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

async function repoWith(files: Record<string, string>): Promise<TempRepo> {
  const repo = await createTempRepo({prefix: 'cicd-facts-it-'})
  cleanups.push(() => repo.remove())
  for (const [file, text] of Object.entries(files)) await repo.write(file, text)
  return repo
}

async function pylintWithPlugin(repo: TempRepo, files: string[], request: FactsRequest = {}, args: string[] = [], seed = '0') {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-facts-'))
  cleanups.push(() => rm(dir, {recursive: true, force: true}))
  const facts = await prepareFactsRun(dir, request)
  const env = {PYTHONPATH: facts.pythonPath, PYTHONHASHSEED: seed, ...facts.env}
  const result = await execa('/usr/bin/pylint', ['--persistent=n', ...args, ...facts.args, ...files], {cwd: repo.dir, env, reject: false})
  expect(result.stderr).not.toMatch(/Traceback/)
  return {report: await readFactsReport(dir, repo.dir), statements: readStatements(result.stdout)}
}

const SOURCES = {
  'pkg/__init__.py': '"""Package."""\n',
  'pkg/a.py': '"""A."""\nimport typing\n\nfrom pkg import b\n\nif typing.TYPE_CHECKING:\n    from pkg import c\n\n\ndef alpha():\n    """Alpha."""\n    first = 1\n    second = 2\n    third = 3\n    return b.VALUE + first + second + third\n',
  'pkg/b.py': '"""B."""\nVALUE = 1  # pylint: disable=duplicate-code\n',
  'pkg/c.py': '"""C."""\n',
}
const FILES = Object.keys(SOURCES)

describe("cicd's pylint plugin", () => {
  it('records each module: statements, import edges (those cyclic-import ignores apart), pragma lines', async () => {
    const repo = await repoWith(SOURCES)
    const {report, statements} = await pylintWithPlugin(repo, FILES, {}, ['--reports=y'])
    expect([...(report?.modules.keys() ?? [])].sort()).toEqual(FILES)
    const a = report?.modules.get('pkg/a.py')
    expect(a).toMatchObject({name: 'pkg.a', encoding: 'utf-8', excluded: ['pkg.c'], unlisted: []})
    expect([...(a?.imports ?? [])].sort()).toEqual(['pkg.b', 'pkg.c'])
    expect(a?.windows?.length).toBeGreaterThan(0)
    expect(report?.modules.get('pkg/b.py')).toMatchObject({name: 'pkg.b', unlisted: [2]})
    // The statements of the modules add up to the count pylint prints for the run.
    expect(statements).toBeGreaterThan(0)
    expect([...(report?.modules.values() ?? [])].reduce((sum, module) => sum + module.statements, 0)).toBe(statements)
    expect(report?.whole).toBeUndefined()
  })

  it('reports for every file when given the records of those it does not lint', async () => {
    const repo = await repoWith(SOURCES)
    const {report: all} = await pylintWithPlugin(repo, FILES)
    const others = Object.fromEntries([...(all?.modules ?? [])].filter(([file]) => file !== 'pkg/c.py'))
    const {report} = await pylintWithPlugin(repo, ['pkg/c.py'], {whole: {order: FILES, modules: others}})
    expect([...(report?.modules.keys() ?? [])]).toEqual(['pkg/c.py'])
    const statements = [...(all?.modules.values() ?? [])].reduce((sum, module) => sum + module.statements, 0)
    expect(report?.whole).toEqual({statements})
  })

  it('fails, and records nothing, when a file has no record, string hashes are random, two files have one module name, or pylint runs with --jobs', async () => {
    const repo = await repoWith(SOURCES)
    const {report: all} = await pylintWithPlugin(repo, FILES)
    const withoutB = Object.fromEntries([...(all?.modules ?? [])].filter(([file]) => file !== 'pkg/c.py' && file !== 'pkg/b.py'))
    expect(all).toBeDefined()
    expect((await pylintWithPlugin(repo, ['pkg/c.py'], {whole: {order: FILES, modules: withoutB}})).report).toBeUndefined()

    expect((await pylintWithPlugin(repo, FILES, {}, [], 'random')).report).toBeUndefined()
    // Records made with another seed are not compared with this run's.
    const seeded = await pylintWithPlugin(repo, FILES, {}, [], '1')
    expect(seeded.report).toBeDefined()
    const othersSeeded = Object.fromEntries([...(seeded.report?.modules ?? [])].filter(([file]) => file !== 'pkg/c.py'))
    expect((await pylintWithPlugin(repo, ['pkg/c.py'], {whole: {order: FILES, modules: othersSeeded}})).report).toBeUndefined()

    // Two files of one module name: pylint keeps one set of import edges for both.
    const twins = await repoWith({'a/util.py': '"""A."""\n', 'b/util.py': '"""B."""\nimport y\n', 'y.py': '"""Y."""\nimport util\n'})
    expect((await pylintWithPlugin(twins, ['a/util.py', 'b/util.py', 'y.py'])).report).toBeUndefined()

    await repo.write('.pylintrc', '[MAIN]\njobs = 2\n')
    expect((await pylintWithPlugin(repo, FILES)).report).toBeUndefined()
  })
})
