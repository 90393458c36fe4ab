// The starter configuration `cicd init` writes, as YAML, JSON or a pyproject.toml [tool.cicd] table. The
// values are the defaults and the comments are the schema's descriptions, so the file changes nothing
// until it is edited. Keys whose default depends on something else (flake8's line length defers to the
// repository's own flake8 configuration; safety's and pip-audit's `enabled` follow the provider) are
// written commented out, because writing them would pin what should stay derived.
import {defaultConfig} from './defaults.js'
import {configInputSchema} from './schema.js'
import {descriptionAt} from './schema-walk.js'

export type StarterFormat = 'yaml' | 'json' | 'pyproject'

interface Entry {
  key: string
  /** Present for a value; absent for a section. */
  value?: unknown
  children?: Entry[]
  commented?: boolean
  /** Replaces the schema's description where the starter needs to say more; '' for none. */
  note?: string
}

/** Keys the section's own comment already explains. */
const plain = (entry: Entry): Entry => ({...entry, note: ''})

const HEADER =
  "cicd configuration. Every key is optional: a key left out takes cicd's default, and the values below are those defaults. " +
  '`cicd config` shows the resolved configuration and where each value comes from; docs/configuration.md describes every key ' +
  '(including `policy` and `environments`).'

function entries(): Entry[] {
  const d = defaultConfig()
  const toolCheck = (id: keyof typeof d.checks, more: Entry[] = []): Entry =>
    plain({
      key: id,
      children: [plain({key: 'enabled', value: d.checks[id].enabled}), plain({key: 'gate', value: d.checks[id].gate}), ...more],
    })
  const audit = (id: 'safety' | 'pip-audit'): Entry =>
    plain({
      key: id,
      children: [{key: 'enabled', value: d.dependencies.provider === id, commented: true}, plain({key: 'gate', value: d.checks[id].gate})],
    })
  return [
    {key: 'runner', value: d.runner},
    {key: 'paths', children: [{key: 'include', value: d.paths.include}, {key: 'exclude', value: d.paths.exclude}]},
    {
      key: 'tools',
      children: [
        {key: 'image', value: d.tools.image},
        {
          key: 'versions',
          note: 'Pinned tool versions (CI\'s Debian bookworm packages); uncomment a line to pin another version.',
          children: Object.entries(d.tools.versions).map(([tool, version]) => plain({key: tool, value: version, commented: true})),
        },
      ],
    },
    {
      key: 'checks',
      note: 'The checks. `enabled` runs a check; `gate` says what its findings do: "block" fails the run (exit 1), "warn" reports them only. Each check also takes `args` (extra arguments before the files) and `path` (its executable for the local runner).',
      children: [
        toolCheck('flake8', [{key: 'maxLineLength', value: d.checks.flake8.maxLineLength, commented: true}]),
        toolCheck('pylint', [
          {key: 'failUnder', value: d.checks.pylint.failUnder},
          {key: 'scoreGate', value: d.checks.pylint.scoreGate},
        ]),
        toolCheck('black'),
        toolCheck('isort'),
        toolCheck('bandit'),
        audit('safety'),
        audit('pip-audit'),
      ],
    },
    {
      key: 'dependencies',
      children: [
        {key: 'provider', value: d.dependencies.provider},
        {key: 'requirements', value: d.dependencies.requirements},
      ],
    },
    {key: 'concurrency', value: d.concurrency},
  ]
}

function comment(entry: Entry, path: string[]): string | undefined {
  return (entry.note ?? descriptionAt(configInputSchema, path)) || undefined
}

/** Words wrapped to lines of at most `width` characters, each prefixed. */
function wrap(text: string, prefix: string, width = 100): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && prefix.length + line.length + word.length + 1 > width) {
      lines.push(prefix + line)
      line = word
    } else {
      line = line ? `${line} ${word}` : word
    }
  }
  if (line) lines.push(prefix + line)
  return lines
}

/** JSON's scalars and flat lists are valid YAML flow values and valid TOML values too. */
const literal = (value: unknown) => JSON.stringify(value)

function yaml(list: Entry[], path: string[] = [], indent = ''): string[] {
  return list.flatMap((entry) => {
    const keys = [...path, entry.key]
    const text = comment(entry, keys)
    const lines = text ? wrap(text, `${indent}# `) : []
    if (entry.children) {
      // A section with nothing but commented-out keys would read as `key: null`: comment it out too.
      const off = entry.children.every((child) => child.commented) ? '# ' : ''
      return [...lines, `${indent}${off}${entry.key}:`, ...yaml(entry.children, keys, `${indent}  `)]
    }
    return [...lines, `${indent}${entry.commented ? '# ' : ''}${entry.key}: ${literal(entry.value)}`]
  })
}

function toml(list: Entry[], path: string[]): string[] {
  const values = list.filter((entry) => !entry.children)
  const sections = list.filter((entry) => entry.children)
  const own = values.flatMap((entry) => {
    const text = comment(entry, [...path.slice(2), entry.key])
    return [...(text ? wrap(text, '# ') : []), `${entry.commented ? '# ' : ''}${entry.key} = ${literal(entry.value)}`]
  })
  return [
    ...own,
    ...sections.flatMap((entry) => {
      const keys = [...path, entry.key]
      const text = comment(entry, keys.slice(2))
      return ['', ...(text ? wrap(text, '# ') : []), `[${keys.join('.')}]`, ...toml(entry.children!, keys)]
    }),
  ]
}

function json(list: Entry[]): Record<string, unknown> {
  return Object.fromEntries(
    list
      .filter((entry) => !entry.commented && !(entry.children && entry.children.every((child) => child.commented)))
      .map((entry) => [entry.key, entry.children ? json(entry.children) : entry.value]),
  )
}

/** The starter file's text. For pyproject, the [tool.cicd] table to append to pyproject.toml. */
export function starterConfig(format: StarterFormat): string {
  const list = entries()
  switch (format) {
    case 'yaml':
      return [...wrap(HEADER, '# '), '', ...yaml(list), ''].join('\n')
    case 'json':
      // JSON has no comments: the reference in docs/configuration.md has to do.
      return `${JSON.stringify(json(list), null, 2)}\n`
    case 'pyproject':
      return [...wrap(HEADER, '# '), '[tool.cicd]', ...toml(list, ['tool', 'cicd']), ''].join('\n')
  }
}
