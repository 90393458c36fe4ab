// Writes a deterministic Python repository, larger than the example platform, for parity tests and
// benchmarks: several packages whose modules import each other, realistic functions and classes, the
// example platform's own tool configuration, and on request real findings for every static tool.
// It only writes files; callers run git.

import {mkdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {parse, stringify} from 'smol-toml'

export interface SyntheticRepoOptions {
  /** Python modules to write, not counting the packages' __init__.py (default 60). */
  modules?: number
  /** Lines each module grows to, at least (default 180). */
  linesPerModule?: number
  /** The same seed writes the same bytes (default 1). */
  seed?: number
  /**
   * Adds findings for flake8 (F401, E501), pylint (cyclic-import, duplicate-code, unused-import,
   * line-too-long), black (quotes), isort (import order) and bandit (B602, B404, B101, B303).
   */
  withFindings?: boolean
}

export interface SyntheticRepo {
  /** Paths of every file written, relative to the repository root, with forward slashes, sorted. */
  files: string[]
  /** Lines of all Python files. */
  lines: number
}

const ROOT_PACKAGE = 'tradeflow'
const PACKAGES = ['ingestion', 'enrichment', 'aggregation', 'storage', 'streaming', 'reporting', 'common']
const NOUNS = [
  'order', 'trade', 'price', 'fee', 'wallet', 'merchant', 'payout', 'refund', 'invoice', 'settlement', 'quote',
  'ledger', 'balance', 'transfer', 'deposit', 'withdrawal', 'rate', 'spread', 'position', 'account', 'ticker',
  'candle', 'volume', 'commission', 'chargeback', 'dispute', 'limit', 'risk', 'alert', 'payment',
]
const QUALIFIERS = [
  'daily', 'hourly', 'regional', 'pending', 'settled', 'failed', 'weekly', 'monthly', 'partner', 'tier',
  'channel', 'batch', 'stream', 'window', 'bucket', 'cohort', 'segment', 'archived', 'flagged', 'manual',
  'retail', 'vip', 'domestic', 'foreign', 'intraday', 'nightly', 'primary', 'backup', 'sandbox', 'legacy',
]
const ROLES = [
  'loader', 'rules', 'cache', 'metrics', 'mapper', 'router', 'checks', 'sink', 'source', 'windows', 'reconciler',
  'scheduler', 'registry', 'exporter', 'parser', 'summary',
]
const FIELDS = ['region', 'channel', 'currency', 'status', 'merchant_id', 'asset', 'priority', 'partner', 'segment']

const FIXTURE = fileURLToPath(new URL('../fixtures/data-platform/', import.meta.url))

type Random = () => number

// mulberry32: small, fast and good enough to pick names; Math.random cannot be seeded.
function seededRandom(seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]
}

function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j], copy[i]]
  }
  return copy
}

/** Hands out names that are unique in the whole repository, adding a counter once the combinations run out. */
function uniqueNames(random: Random, first: readonly string[], second: readonly string[]): () => [string, string, string] {
  const pairs = shuffled(random, first.flatMap((a) => second.map((b) => [a, b] as const)))
  let next = 0
  return () => {
    const [a, b] = pairs[next % pairs.length]
    const round = Math.floor(next / pairs.length)
    next++
    return [a, b, round === 0 ? `${a}_${b}` : `${a}_${b}_${round + 1}`]
  }
}

const pascal = (snake: string) => snake.split('_').map((part) => part[0].toUpperCase() + part.slice(1)).join('')

/** What one function or class needs: its lines, the stdlib names it uses, module constants it defines. */
interface Block {
  lines: string[]
  stdlib: string[]
  constants?: string[]
}

/** One name-space for a block: every identifier derives from `key`, so no two blocks share a line. */
interface Names {
  key: string
  noun: string
  qualifier: string
  field: string
}

const STDLIB: Record<string, string> = {
  hashlib: 'import hashlib',
  logging: 'import logging',
  os: 'import os',
  subprocess: 'import subprocess',
  defaultdict: 'from collections import defaultdict',
  dataclass: 'from dataclasses import dataclass',
  field: 'from dataclasses import field',
  Decimal: 'from decimal import Decimal',
  Any: 'from typing import Any',
}

function exportBlock({key, noun, qualifier}: Names): Block {
  return {
    stdlib: ['Any'],
    lines: [
      `def normalise_${key}s(records: list[dict[str, Any]]) -> list[dict[str, Any]]:`,
      `    """Return ${qualifier} ${noun} records with lower-case keys."""`,
      `    ${key}_clean = []`,
      `    for row in records:`,
      `        ${key}_clean.append({str(name).lower(): value for name, value in row.items()})`,
      `    LOGGER.debug("normalised %d ${qualifier} ${noun} records", len(${key}_clean))`,
      `    return ${key}_clean`,
    ],
  }
}

function enrichBlock({key, noun, qualifier, field}: Names, upstream: string): Block {
  return {
    stdlib: ['Any'],
    lines: [
      `def enrich_${key}s(records: list[dict[str, Any]]) -> list[dict[str, Any]]:`,
      `    """Attach the upstream view of each ${qualifier} ${noun} record, matched by id."""`,
      `    ${key}_upstream = ${upstream}(records)`,
      `    ${key}_by_id = {str(row.get("id")): row for row in ${key}_upstream}`,
      `    return [{**row, "${field}": ${key}_by_id.get(str(row.get("id")), {})} for row in records]`,
    ],
  }
}

function totalBlock({key, noun, qualifier}: Names): Block {
  return {
    stdlib: ['Any', 'Decimal'],
    lines: [
      `def total_${key}_amount(records: list[dict[str, Any]], minimum: Decimal) -> Decimal:`,
      `    """Sum the ${noun} amounts of ${qualifier} records at or above a minimum."""`,
      `    ${key}_total = Decimal(0)`,
      `    for ${key}_row in records:`,
      `        ${key}_amount = ${key}_row.get("${noun}_amount")`,
      `        if ${key}_amount is None:`,
      `            continue`,
      `        if Decimal(str(${key}_amount)) >= minimum:`,
      `            ${key}_total += Decimal(str(${key}_amount))`,
      `    LOGGER.debug("total ${qualifier} ${noun} amount: %s", ${key}_total)`,
      `    return ${key}_total`,
    ],
  }
}

function groupBlock({key, noun, qualifier, field}: Names): Block {
  return {
    stdlib: ['Any', 'defaultdict'],
    lines: [
      `def group_${key}s_by_${field}(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:`,
      `    """Group ${qualifier} ${noun} records by ${field}, under "unknown" when a record has none."""`,
      `    ${key}_groups: dict[str, list[dict[str, Any]]] = defaultdict(list)`,
      `    for row in records:`,
      `        ${key}_groups[str(row.get("${field}", "unknown"))].append(row)`,
      `    return dict(${key}_groups)`,
    ],
  }
}

function validateBlock({key, noun, qualifier, field}: Names): Block {
  const constant = `${key.toUpperCase()}_FIELDS`
  return {
    stdlib: ['Any', 'Decimal'],
    constants: [`${constant} = ("id", "${noun}_amount", "${field}")`],
    lines: [
      `def validate_${key}(record: dict[str, Any]) -> list[str]:`,
      `    """Return every problem of one ${qualifier} ${noun} record; an empty list means it is valid."""`,
      `    missing = [name for name in ${constant} if name not in record]`,
      `    ${key}_problems = [f"{name}: missing" for name in missing]`,
      `    if Decimal(str(record.get("${noun}_amount", 0))) < 0:`,
      `        ${key}_problems.append("${noun}_amount: must not be negative")`,
      `    return ${key}_problems`,
    ],
  }
}

function windowBlock({key, noun, qualifier}: Names): Block {
  return {
    stdlib: ['dataclass', 'field', 'Decimal'],
    lines: [
      `@dataclass`,
      `class ${pascal(key)}Window:`,
      `    """A bounded window of recent ${qualifier} ${noun} values."""`,
      ``,
      `    ${key}_capacity: int`,
      `    ${key}_values: list[Decimal] = field(default_factory=list)`,
      ``,
      `    def push(self, value: Decimal) -> None:`,
      `        """Add a value and drop the oldest one once the window is full."""`,
      `        self.${key}_values.append(value)`,
      `        if len(self.${key}_values) > self.${key}_capacity:`,
      `            self.${key}_values.pop(0)`,
      ``,
      `    def mean(self) -> Decimal:`,
      `        """Return the mean of the window, or zero when it is empty."""`,
      `        if not self.${key}_values:`,
      `            return Decimal(0)`,
      `        return sum(self.${key}_values, Decimal(0)) / len(self.${key}_values)`,
    ],
  }
}

function trackerBlock({key, noun, qualifier}: Names): Block {
  return {
    stdlib: ['Any', 'defaultdict'],
    lines: [
      `class ${pascal(key)}Tracker:`,
      `    """Counts ${qualifier} ${noun} events per status and remembers the last one."""`,
      ``,
      `    def __init__(self, name: str) -> None:`,
      `        self.${key}_name = name`,
      `        self.${key}_counts: dict[str, int] = defaultdict(int)`,
      `        self.${key}_last: dict[str, Any] | None = None`,
      ``,
      `    def record(self, event: dict[str, Any]) -> None:`,
      `        """Count one event under its status."""`,
      `        self.${key}_counts[str(event.get("status", "unknown"))] += 1`,
      `        self.${key}_last = event`,
      ``,
      `    def share(self, status: str) -> float:`,
      `        """Return the share of events with a status, zero before the first event."""`,
      `        seen = sum(self.${key}_counts.values())`,
      `        return self.${key}_counts.get(status, 0) / seen if seen else 0.0`,
    ],
  }
}

function outlierBlock({key, noun, qualifier, field}: Names, factor: string): Block {
  return {
    stdlib: ['Any'],
    lines: [
      `def flag_${key}_outliers(records: list[dict[str, Any]], factor: float = ${factor}) -> list[str]:`,
      `    """Return the ids of ${qualifier} ${noun} records whose ${field} score exceeds the mean by a factor."""`,
      `    ${key}_scores = [float(row.get("${field}_score", 0)) for row in records]`,
      `    if not ${key}_scores:`,
      `        return []`,
      `    limit = sum(${key}_scores) / len(${key}_scores) * factor`,
      `    flagged = [row for row, score in zip(records, ${key}_scores) if score > limit]`,
      `    if flagged:`,
      `        LOGGER.warning("%d ${qualifier} ${noun} outliers above %.2f", len(flagged), limit)`,
      `    return [str(row.get("id")) for row in flagged]`,
    ],
  }
}

function topBlock({key, noun, qualifier, field}: Names, limit: number): Block {
  return {
    stdlib: ['Any'],
    lines: [
      `def top_${key}s(records: list[dict[str, Any]], limit: int = ${limit}) -> list[dict[str, Any]]:`,
      `    """Return the ${qualifier} ${noun} records with the largest ${field} score, largest first."""`,
      `    ${key}_scored = [row for row in records if isinstance(row.get("${field}_score"), (int, float))]`,
      `    ${key}_scored.sort(key=lambda row: row["${field}_score"], reverse=True)`,
      `    return ${key}_scored[:limit]`,
    ],
  }
}

const FILLERS: ReadonlyArray<(names: Names, random: Random) => Block> = [
  totalBlock,
  groupBlock,
  validateBlock,
  windowBlock,
  trackerBlock,
  (names, random) => outlierBlock(names, pick(random, ['1.5', '2.0', '2.5', '3.0'])),
  (names, random) => topBlock(names, 5 + Math.floor(random() * 20)),
]

// The findings. Each is a real one for its tool, and stays out of the other tools' way where it can.

/** pylint duplicate-code: identical bodies under different names in two modules. */
function duplicateBlock({key, noun, qualifier}: Names): Block {
  return {
    stdlib: ['Any'],
    lines: [
      `def reconcile_${key}_batches(left: list[dict[str, Any]], right: list[dict[str, Any]]) -> list[str]:`,
      `    """Return the ids present in only one of two ${qualifier} ${noun} batches."""`,
      `    left_ids = {str(row.get("id")) for row in left}`,
      `    right_ids = {str(row.get("id")) for row in right}`,
      `    missing_on_right = sorted(left_ids - right_ids)`,
      `    missing_on_left = sorted(right_ids - left_ids)`,
      `    LOGGER.info("%d missing on the right, %d on the left", len(missing_on_right), len(missing_on_left))`,
      `    return missing_on_right + missing_on_left`,
    ],
  }
}

/** The back edge of pylint's cyclic-import: a module calling one that already imports it. */
function crosscheckBlock({key, noun, qualifier}: Names, downstream: string): Block {
  return {
    stdlib: ['Any'],
    lines: [
      `def crosscheck_${key}s(records: list[dict[str, Any]]) -> bool:`,
      `    """Tell whether the downstream normalisation keeps every ${qualifier} ${noun} record."""`,
      `    return len(${downstream}(records)) == len(records)`,
    ],
  }
}

/** bandit B602 (shell=True) and B404 (import subprocess). */
function shellBlock({key, noun, qualifier}: Names): Block {
  return {
    stdlib: ['subprocess'],
    lines: [
      `def run_${key}_export(command: str) -> int:`,
      `    """Run the shell command that exports ${qualifier} ${noun} records."""`,
      `    return subprocess.run(command, shell=True, check=False).returncode`,
    ],
  }
}

/** bandit B101 (assert). */
function assertBlock({key, noun, qualifier}: Names): Block {
  return {
    stdlib: [],
    lines: [
      `def ${key}_ratio(numerator: float, denominator: float) -> float:`,
      `    """Return the ratio of two ${qualifier} ${noun} counts."""`,
      `    assert denominator != 0, "denominator must not be zero"`,
      `    return numerator / denominator`,
    ],
  }
}

/** bandit B303 (md5). Bandit 1.6.2 on Python >= 3.8 misses string-literal checks such as B105, so none is used here. */
function md5Block({key, noun, qualifier}: Names): Block {
  return {
    stdlib: ['hashlib', 'Any'],
    lines: [
      `def ${key}_fingerprint(record: dict[str, Any]) -> str:`,
      `    """Return a short fingerprint of a ${qualifier} ${noun} record for deduplication."""`,
      `    return hashlib.md5(repr(sorted(record.items())).encode()).hexdigest()`,
    ],
  }
}

type FindingKind = 'unused-import' | 'long-line' | 'black' | 'isort' | 'shell' | 'assert' | 'md5'
const SPRINKLED: readonly FindingKind[] = ['unused-import', 'long-line', 'black', 'isort', 'shell', 'assert', 'md5']

interface ModulePlan {
  index: number
  packageName: string
  moduleName: string
  dotted: string
  exportNames: Names
  upstream: number[]
  findings: Set<FindingKind>
  extraBlocks: Array<(plans: ModulePlan[]) => {block: Block; imports: number[]}>
}

const exportName = (plan: ModulePlan) => `normalise_${plan.exportNames.key}s`

function planModules(random: Random, count: number, nextNames: () => Names): ModulePlan[] {
  const moduleNames = uniqueNames(random, NOUNS, ROLES)
  return Array.from({length: count}, (_, index) => {
    const packageName = PACKAGES[index % PACKAGES.length]
    const moduleName = moduleNames()[2]
    const exportNames = nextNames()
    // Edges only point to earlier modules, so the clean repository has no import cycle.
    const upstream = index === 0 ? [] : [...new Set([Math.floor(random() * index), Math.floor(random() * index)])].sort((a, b) => a - b)
    return {
      index,
      packageName,
      moduleName,
      dotted: `${ROOT_PACKAGE}.${packageName}.${moduleName}`,
      exportNames,
      upstream: random() < 0.3 ? upstream.slice(0, 1) : upstream,
      findings: new Set<FindingKind>(),
      extraBlocks: [],
    }
  })
}

function planFindings(random: Random, plans: ModulePlan[], nextNames: () => Names): void {
  if (plans.length < 2) throw new Error('withFindings needs at least 2 modules (for the import cycle and the duplicate)')
  const perKind = Math.max(1, Math.floor(plans.length / 20))
  for (const kind of SPRINKLED) {
    for (const plan of shuffled(random, plans).slice(0, perKind)) plan.findings.add(kind)
  }

  // The cycle: a module gets a call into one of the modules that already import it.
  const downstream = plans.find((plan) => plan.upstream.length > 0) as ModulePlan
  const target = plans[downstream.upstream[0]]
  const cycleNames = nextNames()
  target.extraBlocks.push((all) => ({block: crosscheckBlock(cycleNames, exportName(all[downstream.index])), imports: [downstream.index]}))

  const [first, second] = shuffled(random, plans)
  for (const plan of [first, second]) {
    const names = nextNames()
    plan.extraBlocks.push(() => ({block: duplicateBlock(names), imports: []}))
  }
}

function renderImports(plan: ModulePlan, plans: ModulePlan[], stdlibNames: Set<string>, firstParty: Set<number>): string[] {
  const plain = [...stdlibNames].filter((name) => STDLIB[name].startsWith('import ')).map((name) => STDLIB[name]).sort()
  const fromModules = new Map<string, string[]>()
  for (const name of stdlibNames) {
    const statement = STDLIB[name]
    if (!statement.startsWith('from ')) continue
    const module = statement.split(' ')[1]
    fromModules.set(module, [...(fromModules.get(module) ?? []), name])
  }
  const fromLines = [...fromModules.keys()].sort().map((module) => `from ${module} import ${(fromModules.get(module) as string[]).sort().join(', ')}`)
  // isort wants `import x` before `from x import y`; the isort finding moves `import logging` last.
  const stdlib = plan.findings.has('isort') ? [...plain.filter((line) => line !== 'import logging'), ...fromLines, 'import logging'] : [...plain, ...fromLines]
  const local = [...firstParty]
    .map((index) => plans[index])
    .sort((a, b) => (a.dotted < b.dotted ? -1 : a.dotted > b.dotted ? 1 : 0))
    .map((upstream) => `from ${upstream.dotted} import ${exportName(upstream)}`)
  return local.length > 0 ? [...stdlib, '', ...local] : stdlib
}

function renderModule(plan: ModulePlan, plans: ModulePlan[], random: Random, nextNames: () => Names, linesPerModule: number): string {
  const blocks: Block[] = [exportBlock(plan.exportNames)]
  const firstParty = new Set<number>(plan.upstream)
  for (const index of plan.upstream) blocks.push(enrichBlock(nextNames(), exportName(plans[index])))
  for (const extra of plan.extraBlocks) {
    const {block, imports} = extra(plans)
    blocks.push(block)
    for (const index of imports) firstParty.add(index)
  }
  if (plan.findings.has('shell')) blocks.push(shellBlock(nextNames()))
  if (plan.findings.has('assert')) blocks.push(assertBlock(nextNames()))
  if (plan.findings.has('md5')) blocks.push(md5Block(nextNames()))

  const constants: string[] = []
  const key = plan.exportNames.key.toUpperCase()
  const {noun, qualifier} = plan.exportNames
  if (plan.findings.has('black')) constants.push(`${key}_LABEL = '${qualifier} ${noun}'`)
  if (plan.findings.has('long-line')) {
    constants.push(
      `${key}_HELP = "${qualifier} ${noun} records are normalised, enriched with their upstream views, validated against the required fields, and then grouped for the summary tables"`,
    )
  }

  const header = 12 + plan.upstream.length
  const size = () => header + constants.length + blocks.reduce((sum, block) => sum + block.lines.length + 2 + (block.constants?.length ?? 0), 0)
  while (size() < linesPerModule) blocks.push(pick(random, FILLERS)(nextNames(), random))

  const stdlibNames = new Set<string>(['logging', ...blocks.flatMap((block) => block.stdlib)])
  if (plan.findings.has('unused-import')) stdlibNames.add('os')
  constants.push(...blocks.flatMap((block) => block.constants ?? []))

  const docstring = `"""${pascal(plan.exportNames.qualifier)} ${plan.exportNames.noun} ${plan.moduleName.split('_').slice(1).join(' ')}: the ${plan.packageName} step for ${plan.exportNames.qualifier} ${plan.exportNames.noun} records."""`
  const lines = [docstring, '', ...renderImports(plan, plans, stdlibNames, firstParty), '', 'LOGGER = logging.getLogger(__name__)', ...constants]
  for (const block of blocks) lines.push('', '', ...block.lines)
  return `${lines.join('\n')}\n`
}

async function toolConfiguration(): Promise<Record<string, string>> {
  const pyproject = parse(await readFile(path.join(FIXTURE, 'pyproject.toml'), 'utf8')) as {tool: {black: object; isort: object}}
  const tool = {black: pyproject.tool.black, isort: {...pyproject.tool.isort, known_first_party: [ROOT_PACKAGE]}}
  return {
    '.flake8': await readFile(path.join(FIXTURE, '.flake8'), 'utf8'),
    '.pylintrc': await readFile(path.join(FIXTURE, '.pylintrc'), 'utf8'),
    'pyproject.toml': `[project]\nname = "${ROOT_PACKAGE}"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n\n${stringify({tool})}\n`,
    'README.md': `# ${ROOT_PACKAGE}\n\nA generated Python repository for cicd's parity tests and benchmarks; its tool configuration is the example platform's.\n`,
  }
}

export async function generateSyntheticRepo(dir: string, options: SyntheticRepoOptions = {}): Promise<SyntheticRepo> {
  const {modules = 60, linesPerModule = 180, seed = 1, withFindings = false} = options
  if (!Number.isInteger(modules) || modules < 1) throw new Error(`modules must be a positive integer, got ${modules}`)
  const random = seededRandom(seed)
  const blockNames = uniqueNames(random, QUALIFIERS, NOUNS)
  const nextNames = (): Names => {
    const [qualifier, noun, key] = blockNames()
    return {qualifier, noun, key, field: pick(random, FIELDS)}
  }
  const plans = planModules(random, modules, nextNames)
  if (withFindings) planFindings(random, plans, nextNames)

  const contents = new Map<string, string>(Object.entries(await toolConfiguration()))
  contents.set(`${ROOT_PACKAGE}/__init__.py`, '"""Synthetic merchant trading pipelines."""\n')
  for (const packageName of PACKAGES.slice(0, Math.min(modules, PACKAGES.length))) {
    contents.set(`${ROOT_PACKAGE}/${packageName}/__init__.py`, `"""The ${packageName} stage of the trading pipelines."""\n`)
  }
  for (const plan of plans) {
    contents.set(`${ROOT_PACKAGE}/${plan.packageName}/${plan.moduleName}.py`, renderModule(plan, plans, random, nextNames, linesPerModule))
  }

  let lines = 0
  for (const [file, text] of contents) {
    await mkdir(path.dirname(path.join(dir, file)), {recursive: true})
    await writeFile(path.join(dir, file), text)
    if (file.endsWith('.py')) lines += text.split('\n').length - 1
  }
  return {files: [...contents.keys()].sort(), lines}
}
