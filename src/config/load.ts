// Finds and reads the repository's cicd configuration (cosmiconfig, in the repository root only), validates
// it, and records where each resolved value came from. Also answers whether the repository configures
// flake8 itself, which decides whether cicd may pass its own max line length.
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

import type {ParseError} from 'jsonc-parser'

import {findProjectRoot} from '../adapters/git-repo.js'
import {UsageError} from '../errors.js'
import {configSources} from './provenance.js'
import type {CicdConfig} from './types.js'
import {memoryFile, recall, remember} from './validated-memory.js'

export interface LoadedConfig {
  config: CicdConfig
  /** Absolute path of the file used; absent when the defaults apply. */
  file?: string
  /** Dotted key path → 'default' or `<file relative to the root>#<key in that file>`. */
  sources: Record<string, string>
}

/** In precedence order: the first one present wins. */
export const CONFIG_FILES = [
  '.cicdrc',
  '.cicdrc.json',
  '.cicdrc.yaml',
  '.cicdrc.yml',
  '.cicdrc.js',
  '.cicdrc.cjs',
  '.cicdrc.mjs',
  'cicd.config.js',
  'cicd.config.cjs',
  'cicd.config.mjs',
  'package.json',
  'pyproject.toml',
] as const

/**
 * Files that make a directory a Python project's root inside a larger repository: a configuration file of
 * cicd's own, or a Python project file (package.json alone marks a JavaScript project, not ours).
 */
export const PROJECT_MARKERS: readonly string[] = [...CONFIG_FILES.filter((file) => file !== 'package.json'), 'setup.cfg', 'setup.py']

/** The root of the project `cwd` belongs to: configuration, checks and reported paths are relative to it. */
export function locateProjectRoot(cwd: string): Promise<string> {
  return findProjectRoot(cwd, PROJECT_MARKERS)
}

/** Where the configuration sits inside files that hold other things too. */
const EMBEDDED_KEY: Record<string, string> = {'package.json': 'cicd', 'pyproject.toml': 'tool.cicd'}
const EMBEDDED_LABEL: Record<string, string> = {'package.json': '"cicd" in package.json', 'pyproject.toml': '[tool.cicd] in pyproject.toml'}

/** A file that failed to parse, with the position the parser reported (1-based). */
class ConfigSyntaxError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
    readonly excerpt?: string,
  ) {
    super(message)
  }
}

function positionOf(text: string, offset: number): {line: number; column: number} {
  const before = text.slice(0, offset)
  return {line: before.split('\n').length, column: offset - before.lastIndexOf('\n')}
}

async function loadJson(_file: string, content: string): Promise<unknown> {
  const {parse, printParseErrorCode} = await import('jsonc-parser')
  const errors: ParseError[] = []
  const value: unknown = parse(content, errors, {disallowComments: true, allowTrailingComma: false, allowEmptyContent: false})
  const [first] = errors
  if (first) {
    const {line, column} = positionOf(content, first.offset)
    // jsonc-parser's codes are PascalCase words ("ValueExpected"); make them read as a sentence.
    const reason = printParseErrorCode(first.error)
      .replaceAll(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase()
    throw new ConfigSyntaxError(reason, line, column)
  }
  return value
}

async function loadToml(_file: string, content: string): Promise<unknown> {
  const {parse, TomlError} = await import('smol-toml')
  try {
    const document = parse(content) as {tool?: {cicd?: unknown}}
    // null tells cosmiconfig this pyproject.toml has no cicd configuration, so the search goes on.
    return document.tool?.cicd ?? null
  } catch (error) {
    if (!(error instanceof TomlError)) throw error
    const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '')
    throw new ConfigSyntaxError(reason, error.line, error.column, error.codeblock)
  }
}

async function loadModule(file: string): Promise<unknown> {
  try {
    const module = (await import(pathToFileURL(file).href)) as {default?: unknown}
    return module.default
  } catch (error) {
    // Node does not say where a syntax error in an imported module is; `node --check` does.
    throw new ConfigSyntaxError((error as Error).message)
  }
}

async function loadYaml(file: string, content: string): Promise<unknown> {
  const {defaultLoaders} = await import('cosmiconfig')
  try {
    // A file of comments only is null to js-yaml; it is still the file in use, just empty.
    return (await defaultLoaders['.yaml'](file, content)) ?? undefined
  } catch (error) {
    const {reason, mark} = error as {reason?: string; mark?: {line: number; column: number; snippet?: string}}
    if (!mark) throw error
    throw new ConfigSyntaxError(reason ?? 'invalid YAML', mark.line + 1, mark.column + 1, mark.snippet)
  }
}

function syntaxProblem(relative: string, error: ConfigSyntaxError): UsageError {
  const at = error.line === undefined ? '' : ` at line ${error.line}, column ${error.column}`
  const excerpt = error.excerpt ? `\n${error.excerpt.replace(/\n+$/, '')}` : ''
  const isModule = /\.[cm]?js$/.test(relative)
  return new UsageError(`Cannot read the configuration in ${relative}${at}: ${error.message}${excerpt}`, [
    isModule ? `Run \`node --check ${relative}\` to see where the error is, and fix it` : `Fix the syntax of ${relative}${at}`,
  ])
}

/** Reads the configuration file in `root` (never above it) and resolves it over the defaults. */
export async function loadConfig(options: {root: string}): Promise<LoadedConfig> {
  const {cosmiconfig} = await import('cosmiconfig')
  const explorer = cosmiconfig('cicd', {
    searchPlaces: [...CONFIG_FILES],
    searchStrategy: 'none',
    cache: false,
    // An empty .cicdrc.yaml is still the file in use; an empty package.json or pyproject.toml is not (below).
    ignoreEmptySearchPlaces: false,
    loaders: {
      '.json': loadJson,
      '.yaml': loadYaml,
      '.yml': loadYaml,
      noExt: loadYaml,
      '.js': loadModule,
      '.cjs': loadModule,
      '.mjs': loadModule,
      '.toml': loadToml,
    },
  })

  let found: {filepath: string; config: unknown; isEmpty?: boolean} | null
  try {
    found = await explorer.search(options.root)
  } catch (error) {
    const file = (error as {filepath?: string}).filepath
    if (error instanceof ConfigSyntaxError && file) throw syntaxProblem(path.relative(options.root, file), error)
    throw error
  }
  if (found && found.isEmpty && path.basename(found.filepath) in EMBEDDED_KEY) found = null

  const relative = found ? path.relative(options.root, found.filepath) : undefined
  const file = found ? {file: found.filepath} : {}
  const memory = await memoryFile(found?.config, relative)
  const remembered = memory ? await recall(memory) : undefined
  if (remembered) return {...remembered, ...file}

  // The schema (and zod) load only when this input was not validated before.
  const [{configSchema}, {describeProblems}] = await Promise.all([import('./schema.js'), import('./problems.js')])
  const embeddedKey = relative === undefined ? undefined : EMBEDDED_KEY[relative]
  const result = configSchema.safeParse(found?.config, {reportInput: true})
  if (!result.success) {
    const where = (relative && EMBEDDED_LABEL[relative]) ?? relative
    const problems = describeProblems(result.error.issues, configSchema)
    throw new UsageError(
      `Invalid configuration in ${where} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((line) => `  ${line}`).join('\n')}`,
      [`Fix the key${problems.length === 1 ? '' : 's'} above in ${relative}; docs/configuration.md describes every key`],
    )
  }

  const origin = relative === undefined ? undefined : {file: relative, keyPrefix: embeddedKey ? `${embeddedKey}.` : ''}
  const validated = {config: result.data, sources: configSources(result.data, found?.config, origin)}
  if (memory) await remember(memory, validated)
  return {...validated, ...file}
}

/**
 * True when the repository configures flake8 itself (a [flake8] section in setup.cfg, tox.ini or .flake8,
 * the files flake8 5 reads): CI's flake8 then runs on that configuration, so cicd must not add its own
 * max line length unless the cicd configuration sets one explicitly.
 */
export async function hasOwnFlake8Config(root: string): Promise<boolean> {
  const contents = await Promise.all(
    ['setup.cfg', 'tox.ini', '.flake8'].map((name) => readFile(path.join(root, name), 'utf8').catch(() => '')),
  )
  return contents.some((text) => /^\[flake8\][ \t]*$/m.test(text))
}
