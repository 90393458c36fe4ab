// Cache keys: sha256 over canonical JSON, so a key depends on values and never on the order in which
// objects were built. A check's scope key covers everything that decides its output apart from the files it
// reads; file and whole-input keys add the content of those files.
import {createHash} from 'node:crypto'

/** Content ids by repository-relative path (git blob ids); null for a file asked about that does not exist. */
export type ContentIds = ReadonlyMap<string, string | null>

export interface ScopeInput {
  check: string
  /** The runner's identity of the executable (path, size and mtime; or the image id) and the version it reports. */
  tool: {identity: string; version: string}
  /** cicd's resolved settings for the check: everything its argv is built from. */
  settings: unknown
  /** The configuration files that affect the tool, relative to the project root, present or not. */
  configFiles: readonly string[]
  contents: ContentIds
  /** cicd's own version: another release may build other arguments or read output differently. */
  cicdVersion: string
  /** Anything else the output depends on (pylint: the sys.path it runs with). */
  extra?: unknown
}

/** Bumped when what is stored under a key changes shape. */
const KEY_FORMAT = 1

export function scopeKey(input: ScopeInput): string {
  const configFiles = [...new Set(input.configFiles)].sort().map((file) => {
    const id = input.contents.get(file)
    // Absent and never asked about would look alike, and a change to that file would go unnoticed.
    if (id === undefined) throw new Error(`cache: the content id of ${file} was not read (pass it to contents())`)
    return [file, id]
  })
  return digest({
    format: KEY_FORMAT,
    check: input.check,
    tool: input.tool,
    settings: input.settings,
    configFiles,
    cicd: input.cicdVersion,
    extra: input.extra ?? null,
  })
}

/** One file's entry: its path too, since findings name it and configuration may treat paths differently. */
export function fileKey(scope: string, file: string, content: string): string {
  return digest(['file', scope, file, content])
}

/** A key over every input of a check that cannot be split by file (pytest, an image build, pylint's cross-module messages). */
export function wholeInputKey(scope: string, inputs: Iterable<readonly [string, string]>): string {
  const sorted = [...inputs].map(([file, content]) => `${file}\0${content}`).sort()
  const hash = createHash('sha256').update(`whole\0${scope}\0`)
  for (const entry of sorted) hash.update(`${entry}\n`)
  return hash.digest('hex')
}

/** A key for something derived from a scope alone (the last run's findings, a tool's settings). */
export function namedKey(scope: string, name: string): string {
  return digest(['named', scope, name])
}

export function digest(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex')
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
