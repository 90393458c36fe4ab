// The cache is correct, not only fast, with the real tools from /usr/bin in a real git repository: a
// comment-only change re-checks that file alone; a changed signature re-lints the module's importers and
// pylint reports the caller again; the split pylint runs give the findings and score of one full run.
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {execa} from 'execa'
import {afterEach, describe, expect, it} from 'vitest'

import {flake8} from '../../../src/checks/flake8.js'
import {pylint} from '../../../src/checks/pylint.js'
import type {Finding} from '../../../src/checks/types.js'
import {prepareFactsRun, readFactsReport} from '../../../src/cache/pylint-facts.js'
import {readStatements} from '../../../src/cache/pylint-split.js'
import {openResultCache, type PylintRun, type ResultCache} from '../../../src/cache/result-cache.js'
import {createTempRepo, type TempRepo} from '../../helpers/repo.js'

const PYLINT_CONFIG = ['.pylintrc', 'pylintrc', 'pyproject.toml', 'setup.cfg']

const LIB = '\n\ndef total(first, second):\n    """Add two numbers."""\n    return first + second\n'
const APP = '"""The app."""\nfrom shop.lib import total\n\n\ndef main():\n    """Run."""\n    return total(1, 2)\n'
const OTHER = '"""Unrelated."""\nimport os\n\n\ndef cwd():\n    """Where we are."""\n    return os.getcwd()\n'

const repos: TempRepo[] = []
afterEach(async () => {
  await Promise.all(repos.splice(0).map((repo) => repo.remove()))
})

async function shopRepo(): Promise<TempRepo> {
  const repo = await createTempRepo({prefix: 'cicd-cache-it-'})
  repos.push(repo)
  await repo.write('shop/__init__.py', '"""Shop."""\n')
  await repo.write('shop/lib.py', '"""Library."""\n' + LIB)
  await repo.write('shop/app.py', APP)
  await repo.write('shop/other.py', OTHER)
  await repo.write('.pylintrc', '[MAIN]\npersistent = no\n')
  await repo.commitAll('initial')
  return repo
}

const PY_FILES = ['shop/__init__.py', 'shop/app.py', 'shop/lib.py', 'shop/other.py']

async function open(repo: TempRepo): Promise<ResultCache> {
  return openResultCache({root: repo.dir, enabled: true, maxSizeMb: 5, cicdVersion: 'test', warn: (m) => expect.fail(m)})
}

async function runFlake8(repo: TempRepo, files: string[]): Promise<Finding[]> {
  if (files.length === 0) return []
  const result = await execa('/usr/bin/flake8', flake8.argv(files, {args: []}).slice(1), {cwd: repo.dir, reject: false})
  const parsed = flake8.parse({...result, exitCode: result.exitCode ?? 1, durationMs: 0}, {root: repo.dir})
  if (parsed.kind === 'error') throw new Error(parsed.message)
  return parsed.findings
}

/** A run as the pipeline makes it: cicd's plugin loaded from a directory of its own when the run asks for it, a fixed hash seed. */
async function runPylint(repo: TempRepo, run: PylintRun) {
  const factsDir = run.facts ? await mkdtemp(path.join(os.tmpdir(), 'cicd-facts-')) : undefined
  try {
    const facts = factsDir && run.facts ? await prepareFactsRun(factsDir, run.facts) : undefined
    const pythonPath = [...run.pythonPath.map((dir) => path.join(repo.dir, dir)), ...(facts ? [facts.pythonPath] : [])]
    const env = {PYTHONPATH: pythonPath.join(path.delimiter), PYTHONHASHSEED: '0', ...facts?.env}
    const args = [...run.args, ...(facts?.args ?? [])]
    const result = await execa('/usr/bin/pylint', pylint.argv(run.files, {args}).slice(1), {cwd: repo.dir, reject: false, env})
    const output = {...result, exitCode: result.exitCode ?? 1, durationMs: 0}
    const parsed = pylint.parse(output, {root: repo.dir})
    if (parsed.kind === 'error') throw new Error(parsed.message)
    const report = factsDir ? await readFactsReport(factsDir, repo.dir) : undefined
    return {findings: parsed.findings, score: parsed.score, statements: readStatements(result.stdout), facts: report}
  } finally {
    if (factsDir) await rm(factsDir, {recursive: true, force: true})
  }
}

/**
 * What the pipeline does with the cache for pylint: plan, make the runs it asks for (the run over every file
 * after the per-file run when that could not report for every file), complete. `pluginFails` drops the
 * per-file run's plugin report, as when the plugin fails.
 */
async function cachedPylint(repo: TempRepo, cache: ResultCache, options: {files?: string[]; pluginFails?: boolean} = {}) {
  const files = options.files ?? PY_FILES
  const contents = await cache.contents([...files, ...PYLINT_CONFIG])
  const plan = await cache.pylint({
    scope: {check: 'pylint', tool: {identity: 'local:/usr/bin/pylint', version: '2.16.2'}, settings: {args: []}, configFiles: PYLINT_CONFIG, contents},
    checked: files,
    pythonFiles: files,
    listEnabledMessages: async () => (await execa('/usr/bin/pylint', ['--list-msgs-enabled'], {cwd: repo.dir})).stdout,
  })
  const [ran, planned, full] = await Promise.all([plan.perFile, plan.cross, plan.full].map((run) => (run ? runPylint(repo, run) : undefined)))
  const perFile = ran && options.pluginFails ? {...ran, facts: undefined} : ran
  const cross = planned ?? (plan.fallbackCross && !perFile?.facts?.whole ? await runPylint(repo, plan.fallbackCross) : undefined)
  const result = await plan.complete({perFile, cross, full})
  return {plan, perFile, cross, ...result}
}

const summary = (findings: Finding[]) => findings.map((f) => `${f.file}:${f.line} ${f.rule}`).sort()

describe('file-local checks through the cache (flake8)', () => {
  it('replays everything when nothing changed, and re-checks only the file whose comment changed', async () => {
    const repo = await shopRepo()
    await repo.write('shop/other.py', OTHER + '\n\nx=1\n')
    const check = async () => {
      const cache = await open(repo)
      const configFiles = ['setup.cfg', 'tox.ini', '.flake8']
      const contents = await cache.contents([...PY_FILES, ...configFiles])
      const scope = cache.scope({check: 'flake8', tool: {identity: 'local:/usr/bin/flake8', version: '5.0.4'}, settings: {args: []}, configFiles, contents})
      const lookup = await cache.fileLocal(scope, PY_FILES, contents)
      const ran = await runFlake8(repo, lookup.misses)
      if (lookup.misses.length > 0) expect(await lookup.save(ran)).toBe(true)
      await cache.close()
      return {misses: lookup.misses, findings: summary([...[...lookup.hits.values()].flat(), ...ran])}
    }
    const cold = await check()
    expect(cold.misses).toEqual(PY_FILES)
    expect(cold.findings).toEqual(['shop/other.py:10 E225'])

    const warm = await check()
    expect(warm.misses).toEqual([])
    expect(warm.findings).toEqual(cold.findings)

    await repo.write('shop/lib.py', '"""Library."""  # totals are exact\n' + LIB)
    const commented = await check()
    expect(commented.misses).toEqual(['shop/lib.py'])
    expect(commented.findings).toEqual(cold.findings)

    // A configuration file the tool reads changes every file's key.
    await repo.write('setup.cfg', '[flake8]\nextend-ignore = E225\n')
    const configured = await check()
    expect(configured.misses).toEqual(PY_FILES)
    expect(configured.findings).toEqual([])
  })
})

describe('pylint through the cache', () => {
  it('re-lints the importers of a module whose signature changed, and pylint reports the caller again', async () => {
    const repo = await shopRepo()
    // A first run lints everything in one pylint process, and files its messages per file.
    const cold = await cachedPylint(repo, await open(repo))
    expect(cold.plan.mode).toBe('full')
    expect(cold.plan.full?.files).toEqual(PY_FILES)
    expect(summary(cold.findings)).toEqual([])

    const warm = await cachedPylint(repo, await open(repo))
    expect(warm.plan.mode).toBe('replay')
    expect(warm.score).toBe(cold.score)

    await repo.write('shop/lib.py', '"""Library."""\n\n\ndef total(first, second, third):\n    """Add three numbers."""\n    return first + second + third\n')
    const changed = await cachedPylint(repo, await open(repo))
    expect(changed.plan.perFile?.files).toEqual(['shop/app.py', 'shop/lib.py'])
    expect(summary(changed.findings)).toEqual(['shop/app.py:7 no-value-for-parameter'])

    await repo.write('shop/lib.py', '"""Library."""\n\n# three now\ndef total(first, second, third):\n    """Add three numbers."""\n    return first + second + third  # sum\n')
    const commented = await cachedPylint(repo, await open(repo))
    expect(commented.plan.perFile?.files).toEqual(['shop/lib.py'])
    expect(summary(commented.findings)).toEqual(['shop/app.py:7 no-value-for-parameter'])
  })

  it('files the first run under the same keys whether the cache held nothing or entries of other checks', async () => {
    const plans: string[] = []
    for (const emptyAtFirst of [true, false]) {
      const repo = await shopRepo()
      const first = await open(repo)
      if (!emptyAtFirst) {
        await first.putWhole('0'.repeat(64), {another: 'check'})
        await first.close()
      }
      const cache = emptyAtFirst ? first : await open(repo)
      const cold = await cachedPylint(repo, cache)
      expect(cold.plan.mode).toBe('full')
      await cache.close()
      await repo.write('shop/lib.py', '"""Library."""\n\n\ndef total(first, second, third):\n    """Add three numbers."""\n    return first + second + third\n')
      const changed = await cachedPylint(repo, await open(repo))
      plans.push(`${changed.plan.mode} ${changed.plan.perFile?.files.join(',')}`)
      expect(summary(changed.findings)).toEqual(['shop/app.py:7 no-value-for-parameter'])
    }
    expect(plans).toEqual(['split shop/app.py,shop/lib.py', 'split shop/app.py,shop/lib.py'])
  })

  it('merges the split runs into the findings and score of one full pylint run, cross-module messages included', async () => {
    const repo = await shopRepo()
    // A cycle (cyclic-import) and two copies of a block (duplicate-code) next to per-file findings.
    const block = Array.from({length: 6}, (_, i) => `    value_${i} = items[${i}] * ${i + 2}`).join('\n')
    await repo.write('shop/lib.py', `"""Library."""\nimport shop.app\n\n\n${LIB}\n\ndef spread(items):\n    """Spread."""\n${block}\n    return value_0 + value_5\n`)
    await repo.write('shop/other.py', `"""Unrelated."""\nimport os\n\n\ndef spread_copy(items):\n    """Copy."""\n${block}\n    return value_0 + value_5\n`)
    await repo.commitAll('findings')
    const full = await runPylint(repo, {files: PY_FILES, args: [], pythonPath: []})
    expect(summary(full.findings)).toEqual(expect.arrayContaining([expect.stringMatching(/cyclic-import$/), expect.stringMatching(/duplicate-code$/), expect.stringMatching(/unused-import$/)]))

    const cold = await cachedPylint(repo, await open(repo))
    expect(summary(cold.findings)).toEqual(summary(full.findings))
    expect(cold.score).toBe(full.score)

    // Two files change, one more finding: three of the four files are re-linted beside a run over every
    // file (past half the files, that beats one run reporting for every file); the result equals a full run.
    await repo.write('shop/app.py', APP + '\n\ndef unused(arg):\n    """Unused argument."""\n    return 1\n')
    await repo.write('shop/other.py', (await repo.read('shop/other.py')).replace('Unrelated.', 'Unrelated still.'))
    const fullAfter = await runPylint(repo, {files: PY_FILES, args: [], pythonPath: []})
    const after = await cachedPylint(repo, await open(repo))
    expect(after.plan.perFile?.files).toEqual(['shop/app.py', 'shop/lib.py', 'shop/other.py'])
    expect(after.plan.cross?.files).toEqual(PY_FILES)
    expect(summary(after.findings)).toEqual(summary(fullAfter.findings))
    expect(after.score).toBe(fullAfter.score)
    expect(after.score).not.toBe(cold.score)
  })
})

describe('pylint: a small change reports the cross-module messages from its own run', () => {
  const block = (name: string, offset: number) =>
    `def ${name}(items):\n    """Spread."""\n` + Array.from({length: 6}, (_, i) => `    value_${i} = items[${i}] * ${i + offset}`).join('\n') + '\n    return value_0 + value_5\n'
  const FILES: Record<string, string> = {
    // A block of the package's own, which pylint's similarity check names pkg.__init__.
    'pkg/__init__.py': `"""Package."""\n\n\n${block('kappa', 11)}`,
    // A cycle and a block copied between the two.
    'pkg/a.py': `"""A."""\nfrom pkg import b\n\n\n${block('alpha', 2)}\n\ndef call():\n    """Call."""\n    return b.beta([])\n`,
    'pkg/b.py': `"""B."""\nfrom pkg import a\n\n\n${block('beta', 2)}\n\ndef call():\n    """Call."""\n    return a.alpha([])\n`,
    'pkg/c.py': '"""C, the module that changes."""\n\n\ndef gamma():\n    """Gamma."""\n    return 3\n',
    // The same block, with duplicate-code disabled from its last assignment on.
    'pkg/d.py': `"""D."""\n\n\n${block('delta', 2).replace('    value_5', '    # pylint: disable=duplicate-code\n    value_5')}`,
    // A cycle through an import made only for type checking, which cyclic-import leaves out.
    'pkg/e.py': `"""E."""\nimport typing\n\nif typing.TYPE_CHECKING:\n    from pkg import g\n\n\ndef epsilon():\n    """Epsilon."""\n    return 5\n`,
    'pkg/f.py': '"""F."""\nfrom pkg import c, e\n\n\ndef phi():\n    """Phi."""\n    return c.gamma() + e.epsilon()\n',
    'pkg/g.py': '"""G."""\nfrom pkg import e\n\n\ndef eta():\n    """Eta."""\n    return e.epsilon() + 2\n',
    // A block no other file has (yet).
    'pkg/h.py': `"""H."""\n\n\n${block('theta', 7)}`,
    'pkg/z.py': '"""Z, checked last: pylint files the cross-module messages under it."""\n',
  }
  const files = Object.keys(FILES)
  // The header of a duplicate-code message (which files, which lines) is exact; the lines quoted after it
  // are those of any one of the copies (pylint picks one by object identity).
  const described = (findings: Finding[]) =>
    findings
      .map((f) => `${f.file}:${f.line}:${f.column} ${f.rule} ${f.rule === 'duplicate-code' ? f.message.split('\n').filter((l) => /^(Similar lines in|==)/.test(l)).join('|') : f.message}`)
      .sort()

  async function pkgRepo(): Promise<TempRepo> {
    const repo = await createTempRepo({prefix: 'cicd-whole-it-'})
    repos.push(repo)
    for (const [file, text] of Object.entries(FILES)) await repo.write(file, text)
    await repo.write('.pylintrc', '[MAIN]\npersistent = no\n')
    await repo.commitAll('initial')
    return repo
  }

  async function cached(repo: TempRepo, options: {pluginFails?: boolean} = {}) {
    const cache = await open(repo)
    try {
      return await cachedPylint(repo, cache, {files, ...options})
    } finally {
      await cache.close()
    }
  }

  const fullRun = async (repo: TempRepo) => runPylint(repo, {files, args: ['--reports=y'], pythonPath: []})

  it('gives the findings and score of a run over every file, with no run over every file', async () => {
    const repo = await pkgRepo()
    const cold = await cached(repo)
    expect(cold.plan.mode).toBe('full')
    const before = await fullRun(repo)
    expect(described(cold.findings)).toEqual(described(before.findings))
    expect(described(before.findings)).toEqual(expect.arrayContaining([expect.stringMatching(/^pkg\/z\.py:1:1 cyclic-import Cyclic import \(pkg\.a -> pkg\.b\) \(R0401\)$/)]))

    // c now copies h's block and the package's (neither is re-linted: their lines come from their records and
    // files) and closes a cycle with f, which imports it.
    await repo.write('pkg/c.py', `"""C, the module that changes."""\nfrom pkg import f\n\n\n${block('theta_copy', 7)}\n\n${block('kappa_copy', 11)}\n\ndef gamma():\n    """Gamma."""\n    return f.phi()\n`)
    const changed = await cached(repo)
    expect(changed.plan.perFile?.files).toEqual(['pkg/c.py', 'pkg/f.py'])
    expect(changed.plan.cross).toBeUndefined()
    expect(changed.perFile?.facts?.whole?.statements).toBeGreaterThan(0)
    expect(changed.cross).toBeUndefined()

    const after = await fullRun(repo)
    expect(described(changed.findings)).toEqual(described(after.findings))
    expect(changed.score).toBe(after.score)
    expect(changed.perFile?.facts?.whole?.statements).toBe(after.statements)
    const crossModule = described(after.findings).filter((line) => /cyclic-import|duplicate-code/.test(line))
    expect(crossModule).toEqual(
      expect.arrayContaining([
        expect.stringContaining('cyclic-import Cyclic import (pkg.c -> pkg.f)'),
        expect.stringMatching(/duplicate-code Similar lines in 2 files\|==pkg\.c:\[\d+:\d+\]\|==pkg\.h:\[\d+:\d+\]$/),
        expect.stringMatching(/duplicate-code Similar lines in 2 files\|==pkg\.__init__:\[\d+:\d+\]\|==pkg\.c:\[\d+:\d+\]$/),
      ]),
    )
    // d's copy counts up to the pragma that disables duplicate-code; g -> e -> g is no cycle to pylint (e
    // imports g for type checking only).
    expect(crossModule).toContain('pkg/z.py:1:1 duplicate-code Similar lines in 2 files|==pkg.a:[6:11]|==pkg.d:[5:10]')
    expect(crossModule.filter((line) => line.includes('cyclic-import'))).toHaveLength(2)
  })

  it('makes the run over every file after the per-file run when the plugin could not report', async () => {
    const repo = await pkgRepo()
    await cached(repo)
    await repo.write('pkg/g.py', '"""G."""\n\n\ndef eta(unused):\n    """Eta."""\n    return 7\n')
    const changed = await cached(repo, {pluginFails: true})
    expect(changed.plan.cross).toBeUndefined()
    expect(changed.cross?.statements).toBeGreaterThan(0)
    const after = await fullRun(repo)
    expect(described(changed.findings)).toEqual(described(after.findings))
    expect(changed.score).toBe(after.score)
  })
})
