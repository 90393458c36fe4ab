// The repositories the static and hook benchmarks run on, and the exact tool commands cicd plans for them,
// so every alternative (one after another, lefthook, pre-commit) runs the same tools on the same files with
// the same arguments. The plan comes from cicd's own planning code, not from a copy of its arguments.
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import picomatch from 'picomatch'
import {parse, stringify} from 'smol-toml'

import {listRepositoryFiles} from '../src/adapters/git-repo.js'
import {STATIC_CHECKS} from '../src/checks/registry.js'
import {effectiveExcludes} from '../src/config/defaults.js'
import {hasOwnFlake8Config, loadConfig} from '../src/config/load.js'
import {planChecks} from '../src/pipeline/plan.js'
import {generateSyntheticRepo} from '../test/helpers/synthetic-repo.js'
import {git, gitRepoFrom, REPO_ROOT} from './lib.js'

/** The static tools the comparison covers; safety needs PyPI, which these machines cannot reach. */
export const BENCH_TOOLS = ['flake8', 'pylint', 'black', 'isort', 'bandit'] as const
export const SKIPPED = ['safety']

export interface BenchRepoKind {
  name: string
  create: () => Promise<string>
}

export const EXAMPLE: BenchRepoKind = {
  name: 'example platform',
  create: () => gitRepoFrom(path.join(REPO_ROOT, 'test/fixtures/data-platform')),
}

export const GENERATED: BenchRepoKind = {
  name: 'generated, 60 modules',
  create: () => gitRepoFrom((dir) => generateSyntheticRepo(dir, {modules: 60, withFindings: true})),
}

export interface ToolCommand {
  id: (typeof BENCH_TOOLS)[number]
  /** The executable resolved in /usr/bin, then its arguments, then the files. */
  argv: string[]
  /** The arguments between the executable and the files. */
  args: string[]
  files: string[]
}

/** What `cicd check --phase static --skip safety --no-cache` runs, one command per tool over every file. */
export async function plannedCommands(root: string): Promise<ToolCommand[]> {
  const loaded = await loadConfig({root})
  const {config} = loaded
  // The selection runCheck makes (src/services/check.ts): tracked Python files under paths.include.
  const included = picomatch(config.paths.include, {dot: false})
  const excluded = picomatch(effectiveExcludes(config.paths), {dot: true})
  const pythonFiles = (await listRepositoryFiles(root)).filter((file) => file.endsWith('.py') && included(file) && !excluded(file)).sort()
  const planned = planChecks({
    config,
    definitions: STATIC_CHECKS,
    phases: ['static'],
    pythonFiles,
    requirementFiles: [],
    only: [...BENCH_TOOLS],
    onlyGiven: true,
    skip: [],
    repoHasFlake8Config: await hasOwnFlake8Config(root),
    maxLineLengthExplicit: loaded.sources['checks.flake8.maxLineLength'] !== 'default',
  })
  return planned.map(({definition, settings, files}) => {
    const [tool, ...rest] = definition.argv(files, settings)
    const operands = definition.argv([], settings).length - 1
    return {id: definition.id as ToolCommand['id'], argv: [`/usr/bin/${tool}`, ...rest], args: rest.slice(0, operands), files}
  })
}

/** Sets top-level keys of the repository's cicd configuration in pyproject.toml ([tool.cicd]). */
export async function setCicdConfig(root: string, values: Record<string, unknown>): Promise<void> {
  const file = path.join(root, 'pyproject.toml')
  const pyproject = parse(await readFile(file, 'utf8')) as {tool?: {cicd?: Record<string, unknown>}}
  pyproject.tool = {...pyproject.tool, cicd: {...pyproject.tool?.cicd, ...values}}
  await writeFile(file, `${stringify(pyproject)}\n`)
}

/** Appends a new top-level line to a module and commits it: the "one file changed" of the benchmarks. */
export async function changeOneModule(root: string, file: string, mark: number): Promise<void> {
  const full = path.join(root, file)
  await writeFile(full, `${await readFile(full, 'utf8')}\n\nBENCH_MARK_${mark} = ${mark}\n`)
  await git(root, 'commit', '-qam', `bench: change ${file} (${mark})`)
}

export interface ModuleToChange {
  file: string
  /** How many files import it (by its dotted name). */
  importers: number
}

/** The module most others import (a change re-lints its importers) and the one fewest import. */
export async function modulesToChange(root: string, files: string[]): Promise<{hub: ModuleToChange; leaf: ModuleToChange}> {
  const sources = await Promise.all(files.map((file) => readFile(path.join(root, file), 'utf8')))
  const modules = files.filter((file) => !file.endsWith('__init__.py') && !file.startsWith('tests/'))
  const importers = (file: string) => {
    const dotted = file.replace(/\.py$/, '').replaceAll('/', '.')
    const name = dotted.split('.').at(-1)!
    return sources.filter((source) => source.includes(`${dotted} import`) || source.includes(`import ${dotted}`) || source.includes(`import ${name}\n`)).length
  }
  const ranked = modules.map((file) => ({file, importers: importers(file)})).sort((a, b) => b.importers - a.importers || a.file.localeCompare(b.file))
  return {hub: ranked[0], leaf: ranked.at(-1)!}
}
