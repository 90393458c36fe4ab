// Where each resolved configuration value came from: the file (and the key inside it) or cicd's default.
// Lists are values, not sections: a list written in the file replaces the default list whole.

export interface ConfigOrigin {
  /** The configuration file, relative to the repository root. */
  file: string
  /** The key the configuration sits under inside that file: 'tool.cicd.' in pyproject.toml, 'cicd.' in package.json. */
  keyPrefix: string
}

function isSection(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

/** Every leaf of the resolved configuration, as a dotted key path, in the resolved order. */
export function leafPaths(config: unknown, prefix: string[] = []): string[][] {
  if (!isSection(config) || (Object.keys(config).length === 0 && prefix.length > 0)) return [prefix]
  return Object.entries(config).flatMap(([key, value]) => leafPaths(value, [...prefix, key]))
}

function written(input: unknown, keys: string[]): boolean {
  let node = input
  for (const key of keys) {
    if (!isSection(node) || !Object.hasOwn(node, key) || node[key] === undefined) return false
    node = node[key]
  }
  return true
}

/** Maps each dotted key path of `config` to 'default' or `<file>#<key in the file>`. */
export function configSources(config: unknown, input: unknown, origin: ConfigOrigin | undefined): Record<string, string> {
  return Object.fromEntries(
    leafPaths(config).map((keys) => {
      const key = keys.join('.')
      return [key, origin && written(input, keys) ? `${origin.file}#${origin.keyPrefix}${key}` : 'default']
    }),
  )
}
