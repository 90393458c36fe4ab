// The content-addressed result cache the check pipeline consults: content ids for the files a run reads,
// per-file entries for file-local tools, pylint's per-file and whole-repository entries and its per-module
// records (pylint-facts.ts), and entries keyed by all of a check's inputs. Each check's last run is kept as one entry (findings by file key), so an
// unchanged repository is answered with a handful of reads however many files it has; the files an
// incremental run re-checks also get an entry of their own, which other branches and worktrees (sharing the
// cache) find when the last run was theirs.
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {type GitObjects, openGitObjects} from '../adapters/git-objects.js'
import type {Finding} from '../checks/types.js'
import {buildImportGraph, closureKeys, packageRoots} from './import-graph.js'
import {type FactsReport, type FactsRequest, isModuleFacts, type ModuleFacts, wholeRepositoryMessages} from './pylint-facts.js'
import {type ContentIds, digest, fileKey, namedKey, type ScopeInput, scopeKey, wholeInputKey} from './keys.js'
import {
  crossModuleArgs,
  customisesEvaluation,
  isCrossModule,
  parseEnabledMessages,
  PER_FILE_ARGS,
  pylintScore,
} from './pylint-split.js'
import {type ImportStatement, scanImports, semanticDigest} from './python-imports.js'
import {type CacheStore, openCacheStore} from './store.js'
import {userCacheDir} from './user-cache-dir.js'

export interface ResultCacheOptions {
  /** The project root: every path the cache sees is relative to it. */
  root: string
  /** false (`--no-cache`, `cache.enabled: false`): every lookup misses and nothing is read or written. */
  enabled: boolean
  maxSizeMb: number
  /** `cache.dir`, absolute or relative to the root; by default git's common dir, else the XDG cache. */
  dir?: string
  cicdVersion: string
  /** Where the one warning of an unusable cache goes (stderr). */
  warn(message: string): void
  git?: GitObjects
}

export type CheckScope = Omit<ScopeInput, 'cicdVersion' | 'extra'>

export interface FileLookup {
  /** Stored findings of the files whose content and scope are unchanged. */
  hits: Map<string, Finding[]>
  /** The files to run the tool on. */
  misses: string[]
  /**
   * Stores the findings of a run on exactly `misses` (call only when every batch parsed without a tool
   * error). Returns false when nothing was stored: a finding named a file outside `misses` (or none), so
   * it cannot be filed under one.
   */
  save(findings: readonly Finding[]): Promise<boolean>
}

export interface PylintInput {
  scope: CheckScope
  /** The files pylint checks. */
  checked: readonly string[]
  /** Every Python file of the repository: imports may resolve to files that are not checked. */
  pythonFiles: readonly string[]
  /** Runs `pylint <settings.args> --list-msgs-enabled` and returns its stdout; called only when the answer is not stored. */
  listEnabledMessages(): Promise<string>
}

export interface PylintRun {
  files: string[]
  /** Appended after the repository's arguments (settings.args). */
  args: string[]
  /** Directories (relative to the root; '' is the root) to put first on PYTHONPATH, so a run on some files resolves imports as a run on all of them does. */
  pythonPath: string[]
  /**
   * Load cicd's plugin (pylint-facts.ts), which records what each module contributes to the cross-module
   * messages; with `whole`, the run reports those messages for every file. Such a run is one process.
   */
  facts?: FactsRequest
}

/** What the caller read from a run: the parsed findings, `readStatements(stdout)` and the score pylint printed. */
export interface PylintRunOutput {
  findings: readonly Finding[]
  statements?: number
  score?: number
  /** The plugin's report, for a run that loaded it (undefined when it failed). */
  facts?: FactsReport
}

export interface PylintOutputs {
  perFile?: PylintRunOutput
  cross?: PylintRunOutput
  full?: PylintRunOutput
}

export interface PylintPlan {
  /** replay: no run at all; split: the `perFile` and/or `cross` runs, side by side; full: the `full` run alone. */
  mode: 'replay' | 'split' | 'full'
  hits: Map<string, Finding[]>
  /** The files whose per-file messages must be computed (their key changed); undefined when every file hit. */
  perFile?: PylintRun
  /** The whole-repository run for cross-module messages and the statement count (mode split). */
  cross?: PylintRun
  /** An ordinary run on every checked file (with `--reports=y`), when a split run could differ from it. */
  full?: PylintRun
  /**
   * When `perFile` is to report the cross-module messages for every file: the cross-module run to make
   * after it if it could not (its output has no `facts.whole`), passed to `complete` as `cross`.
   */
  fallbackCross?: PylintRun
  /** Stores what ran and returns the merged findings (sorted by the caller) and the score. */
  complete(outputs: PylintOutputs): Promise<{findings: Finding[]; score?: number}>
}

export interface ResultCache {
  readonly enabled: boolean
  /** The directory in use, undefined when the cache is off. */
  readonly dir?: string
  /**
   * Content ids (git blob ids) of every file the run keys on: its Python files and every check's
   * configuration files (a scope asking about a file left out here throws). null: the file does not exist.
   */
  contents(files: readonly string[]): Promise<ContentIds>
  /** The key of everything but the files that decides a check's output. */
  scope(input: CheckScope): string
  fileLocal(scope: string, files: readonly string[], contents: ContentIds): Promise<FileLookup>
  pylint(input: PylintInput): Promise<PylintPlan>
  /** Entries keyed by all of a check's inputs (`wholeInputKey`): pytest, image builds. */
  getWhole(key: string): Promise<unknown>
  putWhole(key: string, value: unknown): Promise<void>
  /** Evicts least recently used entries when the size bound is passed; call once at the end of the run. */
  close(): Promise<void>
}

/** The whole-repository entry: the cross-module messages and statement count, and the run's merged result. */
interface CrossEntry {
  findings: Finding[]
  statements?: number
  score?: number
  merged: Finding[]
}

/**
 * A save of more files than this (a cold run) is kept in the check's last-run entry only: writing thousands
 * of small files costs more than re-running the few of them another branch or worktree later misses.
 */
const MAX_FILE_ENTRIES_PER_SAVE = 256

/** Bumped when the import scanner changes what it finds. */
const SCANNER_VERSION = 1

/**
 * A per-file run reports the cross-module messages itself for a change of at most half the files. Measured
 * on the generated repository (68 files, 2 cores), a change re-linting 34 of them: 5.4-5.7 s wall and 6.3 s
 * CPU that way, against 5.6-5.9 s and 10 s for the per-file run beside a run over every file. Past half,
 * the per-file run split over the cores gains on the wall clock.
 */
const WHOLE_RUN_MAX_SHARE = 2

export async function openResultCache(options: ResultCacheOptions): Promise<ResultCache> {
  const git = options.git ?? openGitObjects(options.root)
  const store = options.enabled ? await openCacheStore({candidates: await cacheDirs(options, git), maxBytes: options.maxSizeMb * 1024 * 1024, warn: options.warn}) : undefined
  const enabled = store?.dir !== undefined
  const scope = (input: CheckScope, extra?: unknown) => scopeKey({...input, cicdVersion: options.cicdVersion, extra})
  const keyed = enabled && store ? keyedFiles(store) : undefined

  return {
    enabled,
    dir: store?.dir,
    async contents(files) {
      const asked = [...new Set(files)]
      const absent = () => new Map<string, string | null>(asked.map((file) => [file, null]))
      if (!enabled) return absent()
      try {
        const ids = await git.blobIds(asked)
        return new Map(asked.map((file) => [file, ids.get(file) ?? null]))
      } catch (error) {
        // Without content ids every file misses, and nothing is stored under a key that could be wrong.
        options.warn(`warning: the result cache cannot read git's object ids (${(error as Error).message}); every check runs.`)
        return absent()
      }
    },
    scope: (input) => scope(input),
    async fileLocal(scopeKeyValue, files, contents) {
      if (!keyed) return {hits: new Map(), misses: [...files], save: async () => false}
      return keyed.lookup(scopeKeyValue, contentKeys(files, (file) => contents.get(file) ?? undefined))
    },
    async pylint(input) {
      if (!keyed || !store) return uncachedPylint(input.checked)
      return planPylint(input, {store, keyed, scope, root: options.root})
    },
    getWhole: async (key) => (enabled ? store?.get(key) : undefined),
    putWhole: async (key, value) => {
      if (enabled) await store?.put(key, value)
    },
    close: async () => store?.close(),
  }
}

async function cacheDirs(options: ResultCacheOptions, git: GitObjects): Promise<string[]> {
  if (options.dir) return [path.resolve(options.root, options.dir)]
  const xdg = userCacheDir('results')
  try {
    return [path.join(await git.commonDir(), 'cicd', 'cache'), xdg]
  } catch {
    return [xdg]
  }
}

/** Per-file content to key on; a file without one (missing, unreadable) is always run and never stored. */
function contentKeys(files: readonly string[], contentOf: (file: string) => string | undefined): Map<string, string | undefined> {
  return new Map(files.map((file) => [file, contentOf(file)]))
}

interface KeyedFiles {
  lookup(scope: string, contents: ReadonlyMap<string, string | undefined>): Promise<FileLookup>
}

/**
 * Per-file entries behind a per-scope "last run" entry (each file's content key and findings) that answers
 * an unchanged repository with one read and no hashing.
 */
function keyedFiles(store: CacheStore): KeyedFiles {
  return {
    async lookup(scope, contents) {
      const lastRunKey = namedKey(scope, 'last-run')
      const lastRun = asLastRun(await store.get(lastRunKey))
      const hits = new Map<string, Finding[]>()
      const misses: string[] = []
      const unknown: string[] = []
      for (const [file, content] of contents) {
        const remembered = content === undefined ? undefined : lastRun?.[file]
        if (Array.isArray(remembered) && remembered[0] === content && Array.isArray(remembered[1])) hits.set(file, remembered[1])
        else if (content === undefined) misses.push(file)
        else unknown.push(file)
      }
      const found = await Promise.all(unknown.map(async (file) => asFindings(await store.get(fileKey(scope, file, contents.get(file)!)))))
      unknown.forEach((file, index) => {
        const stored = found[index]
        if (stored) hits.set(file, stored)
        else misses.push(file)
      })
      const entries: LastRun = {}
      for (const [file, findings] of hits) entries[file] = [contents.get(file)!, findings]
      const lastRunCurrent = lastRun !== undefined && unknown.length === 0 && Object.keys(lastRun).length === hits.size
      if (misses.length === 0 && !lastRunCurrent) await store.put(lastRunKey, entries)
      return {
        hits,
        misses,
        async save(findings) {
          const byFile = new Map<string, Finding[]>(misses.map((file) => [file, []]))
          for (const finding of findings) {
            const list = byFile.get(path.posix.normalize(finding.file))
            if (!list) return false
            list.push(finding)
          }
          const own = byFile.size <= MAX_FILE_ENTRIES_PER_SAVE
          await Promise.all(
            [...byFile].map(async ([file, ran]) => {
              const content = contents.get(file)
              if (content === undefined) return
              entries[file] = [content, ran]
              if (own) await store.put(fileKey(scope, file, content), ran)
            }),
          )
          await store.put(lastRunKey, entries)
          return true
        },
      }
    },
  }
}

/** By file: the content key it was checked with, and its findings. */
type LastRun = Record<string, [string, Finding[]]>

function asFindings(value: unknown): Finding[] | undefined {
  if (!Array.isArray(value)) return undefined
  return value.every((item) => item && typeof item === 'object' && typeof (item as Finding).file === 'string' && typeof (item as Finding).rule === 'string')
    ? (value as Finding[])
    : undefined
}

function asLastRun(value: unknown): LastRun | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as LastRun) : undefined
}

function uncachedPylint(checked: readonly string[]): PylintPlan {
  return {
    mode: 'full',
    hits: new Map(),
    full: fullRun(checked),
    complete: async ({full}) => ({findings: [...(full?.findings ?? [])], score: full?.score}),
  }
}

function fullRun(checked: readonly string[]): PylintRun {
  return {files: [...checked], args: ['--reports=y'], pythonPath: []}
}

interface PylintContext {
  store: CacheStore
  keyed: KeyedFiles
  scope(input: CheckScope, extra?: unknown): string
  root: string
}

async function planPylint(input: PylintInput, context: PylintContext): Promise<PylintPlan> {
  const {store, keyed} = context
  const contents = input.scope.contents
  const roots = packageRoots(input.pythonFiles)
  const scope = context.scope(input.scope, {roots})
  const crossKey = wholeInputKey(
    namedKey(scope, 'cross-module'),
    [...input.pythonFiles.map((file) => [file, contents.get(file) ?? 'missing'] as const), ...input.checked.map((file) => [`checked:${file}`, ''] as const)],
  )
  const stored = asCross(await store.get(crossKey))
  // Every Python file as it was: the last result stands, without reading a source or building the graph.
  if (stored) return {mode: 'replay', hits: byFile(stored.merged.filter((finding) => !isCrossModule(finding))), complete: async () => ({findings: stored.merged, score: stored.score})}

  // The import graph keys each file's entry; reading and scanning every module takes a while.
  const keying = async () => {
    const modules = await scanModules(input.pythonFiles, contents, store, context.root)
    const graph = buildImportGraph(input.pythonFiles, (file) => modules.get(file)?.imports ?? [])
    const deep = closureKeys(
      graph.dependencies,
      (file) => contents.get(file) ?? `missing:${file}`,
      (file) => (contents.get(file) ? (modules.get(file)?.semantic ?? '') : `missing:${file}`),
    )
    const keys = contentKeys(input.checked, (file) => (contents.get(file) ? deep.get(file) : undefined))
    return {graph, keys, lookup: await keyed.lookup(scope, keys)}
  }
  const facts = moduleFactsStore(store, namedKey(scope, 'module-facts'))
  // A cache that held nothing (a first run) can answer for no file: pylint runs over every file at once, and
  // the keys to file its messages under are worked out while it runs.
  if (store.emptyAtOpen) return fullPlan(input.checked, crossKey, store, facts, keying().catch(() => undefined))

  const {graph, keys, lookup} = await keying()
  const configTexts = await Promise.all(
    input.scope.configFiles.filter((file) => contents.get(file)).map((file) => readFile(path.join(context.root, file), 'utf8').catch(() => '')),
  )
  const settingsArgs = (input.scope.settings as {args?: string[]} | undefined)?.args ?? []
  // One run over every file also when the cache knows none of them (a first run): the split would parse every
  // module twice (its per-file run and the cross-module run); one run parses each once, and its messages are
  // filed per file all the same.
  const cold = lookup.misses.length === input.checked.length
  if (cold || graph.ambiguous.length > 0 || customisesEvaluation(configTexts, settingsArgs)) return fullPlan(input.checked, crossKey, store, facts, Promise.resolve({keys, lookup}))

  const enabled = await enabledMessages(store, namedKey(scope, 'enabled-messages'), input.listEnabledMessages)
  const known = await facts.read(keys)
  const cross: PylintRun = {files: [...input.checked], args: crossModuleArgs(enabled), pythonPath: [], facts: {}}
  const whole = wholeRequest(input.checked, lookup.misses, known)
  return {
    mode: 'split',
    hits: lookup.hits,
    perFile:
      lookup.misses.length === 0
        ? undefined
        : whole
          ? {files: lookup.misses, args: [], pythonPath: graph.roots, facts: {whole}}
          : {files: lookup.misses, args: PER_FILE_ARGS, pythonPath: graph.roots},
    cross: whole ? undefined : cross,
    fallbackCross: whole ? cross : undefined,
    async complete(outputs) {
      const {perFile} = outputs
      const ran = [...(perFile?.findings ?? [])].filter((finding) => !isCrossModule(finding))
      const filed = lookup.misses.length === 0 || (await lookup.save(ran))
      // The cross-module messages and statement count: from the run over every file, else from the per-file
      // run that reported them for every file.
      const wholeRun = outputs.cross ? undefined : perFile?.facts?.whole
      const crossRun = outputs.cross ?? (wholeRun && perFile ? {...perFile, statements: wholeRun.statements} : undefined)
      const crossFindings = outputs.cross ? outputs.cross.findings.filter(isCrossModule) : wholeRun && perFile ? wholeRepositoryMessages(perFile.findings, input.checked) : []
      const findings = [...[...lookup.hits.values()].flat(), ...ran, ...crossFindings]
      // A configuration with `score=no` makes pylint print no score: then cicd shows none either.
      const statements = crossRun?.statements
      const score = crossRun?.score !== undefined && statements !== undefined ? pylintScore(findings, statements) : undefined
      await facts.write(keys, known, [perFile?.facts, outputs.cross?.facts])
      // Without per-file entries for every file a later run could not rebuild this result, so it is not kept whole either.
      if (filed && statements !== undefined) {
        const entry: CrossEntry = {findings: crossFindings, statements, score, merged: findings}
        await store.put(crossKey, entry)
      }
      return {findings, score}
    },
  }
}

/**
 * The input of a per-file run that reports the cross-module messages for every file: when every other
 * checked file's record is known, and the change is small enough that one pylint process over it beats
 * splitting it over the cores beside a run over every file (WHOLE_RUN_MAX_SHARE).
 */
function wholeRequest(checked: readonly string[], misses: readonly string[], known: ReadonlyMap<string, ModuleFacts>): FactsRequest['whole'] {
  if (misses.length === 0 || misses.length * WHOLE_RUN_MAX_SHARE > checked.length) return undefined
  const missed = new Set(misses)
  const modules: Record<string, ModuleFacts> = {}
  for (const file of checked) {
    if (missed.has(file)) continue
    const facts = known.get(file)
    if (!facts) return undefined
    modules[file] = facts
  }
  return {order: [...checked], modules}
}

/**
 * pylint over every file in one run; its messages are filed per file (and whole) under `keys`, unless those
 * could not be worked out (then the next run runs pylint again).
 */
function fullPlan(
  checked: readonly string[],
  crossKey: string,
  store: CacheStore,
  facts: ModuleFactsStore,
  keying: Promise<{keys: FileKeys; lookup: FileLookup} | undefined>,
): PylintPlan {
  const checkedFiles = new Set(checked)
  return {
    mode: 'full',
    hits: new Map(),
    full: {...fullRun(checked), facts: {}},
    async complete({full}) {
      const findings = [...(full?.findings ?? [])]
      const perFile = findings.filter((finding) => !isCrossModule(finding))
      // A finding about no checked file could not be replayed from per-file entries: store nothing.
      const keyed = await keying
      if (keyed && perFile.every((finding) => checkedFiles.has(finding.file))) {
        const missed = new Set(keyed.lookup.misses)
        await keyed.lookup.save(perFile.filter((finding) => missed.has(finding.file)))
        await facts.write(keyed.keys, new Map(), [full?.facts])
        const entry: CrossEntry = {findings: findings.filter(isCrossModule), statements: full?.statements, score: full?.score, merged: findings}
        await store.put(crossKey, entry)
      }
      return {findings, score: full?.score}
    },
  }
}

/** Each checked file's key (undefined: not keyed, never stored): what its own messages and its record depend on. */
type FileKeys = ReadonlyMap<string, string | undefined>

interface ModuleFactsStore {
  /** The records stored under each file's current key. */
  read(keys: FileKeys): Promise<Map<string, ModuleFacts>>
  /** Stores the records of every checked file: `known` and those of `reports` (newer), each under its file's key. */
  write(keys: FileKeys, known: ReadonlyMap<string, ModuleFacts>, reports: ReadonlyArray<FactsReport | undefined>): Promise<void>
}

/** One entry holds every file's record with the key it was made under: a run reads it once. */
function moduleFactsStore(store: CacheStore, entryKey: string): ModuleFactsStore {
  return {
    async read(keys) {
      const stored = await store.get(entryKey)
      const entries = (stored && typeof stored === 'object' && !Array.isArray(stored) ? stored : {}) as Record<string, unknown>
      const known = new Map<string, ModuleFacts>()
      for (const [file, key] of keys) {
        const entry = entries[file]
        if (key !== undefined && Array.isArray(entry) && entry[0] === key && isModuleFacts(entry[1])) known.set(file, entry[1])
      }
      return known
    },
    async write(keys, known, reports) {
      const fresh = reports.filter((report) => report !== undefined)
      if (fresh.length === 0) return
      const entries: Record<string, [string, ModuleFacts]> = {}
      for (const [file, key] of keys) {
        const facts = fresh.map((report) => report.modules.get(file)).find((found) => found !== undefined) ?? known.get(file)
        if (key !== undefined && facts) entries[file] = [key, facts]
      }
      await store.put(entryKey, entries)
    },
  }
}

function byFile(findings: readonly Finding[]): Map<string, Finding[]> {
  const grouped = new Map<string, Finding[]>()
  for (const finding of findings) {
    const list = grouped.get(finding.file)
    if (list) list.push(finding)
    else grouped.set(finding.file, [finding])
  }
  return grouped
}

async function enabledMessages(store: CacheStore, key: string, list: () => Promise<string>): Promise<Set<string>> {
  const stored = await store.get(key)
  if (Array.isArray(stored) && stored.every((item) => typeof item === 'string')) return new Set(stored as string[])
  const enabled = parseEnabledMessages(await list())
  await store.put(key, [...enabled].sort())
  return enabled
}

function asCross(value: unknown): CrossEntry | undefined {
  if (!value || typeof value !== 'object') return undefined
  const entry = value as CrossEntry
  return asFindings(entry.findings) && asFindings(entry.merged) ? entry : undefined
}

interface ScannedModule {
  imports: ImportStatement[]
  semantic: string
}

/** The import statements and comment-free digest of every Python file, computed once per blob and remembered across runs. */
async function scanModules(files: readonly string[], contents: ContentIds, store: CacheStore, root: string): Promise<Map<string, ScannedModule>> {
  const memoKey = digest(['python-modules', SCANNER_VERSION])
  const stored = await store.get(memoKey)
  const known = (stored && typeof stored === 'object' && !Array.isArray(stored) ? stored : {}) as Record<string, ScannedModule>
  const byFile = new Map<string, ScannedModule>()
  const next: Record<string, ScannedModule> = {}
  let scanned = 0
  await Promise.all(
    files.map(async (file) => {
      const blob = contents.get(file)
      let module = blob ? known[blob] : undefined
      if (!module || !Array.isArray(module.imports) || typeof module.semantic !== 'string') {
        const source = await readFile(path.join(root, file), 'utf8').catch(() => '')
        module = {imports: scanImports(source), semantic: semanticDigest(source)}
        scanned++
      }
      byFile.set(file, module)
      if (blob) next[blob] = module
    }),
  )
  if (scanned > 0 || Object.keys(known).length !== Object.keys(next).length) await store.put(memoKey, next)
  return byFile
}
