// The text `cicd config` prints: which file was used, then every resolved key with its value and where the
// value came from, grouped by top-level section.
import path from 'node:path'

import type {LoadedConfig} from './load.js'
import {leafPaths} from './provenance.js'

export interface RenderStyle {
  bold(text: string): string
  dim(text: string): string
}

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value))

/** `.cicdrc.yaml#checks.flake8.gate` reads as `.cicdrc.yaml`; the key is already on the line. */
const fileOf = (source: string) => (source === 'default' ? 'default' : source.slice(0, source.indexOf('#')))

export function renderConfig(loaded: LoadedConfig, root: string, style: RenderStyle): string {
  const heading = loaded.file
    ? `Configuration: ${path.relative(root, loaded.file)} (in ${root})`
    : `Configuration: none found in ${root}; the defaults apply (\`cicd init\` writes a starter file)`
  const rows = leafPaths(loaded.config).map((keys) => {
    const key = keys.join('.')
    const value = keys.reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], loaded.config)
    return {top: keys[0]!, key, value: show(value), source: fileOf(loaded.sources[key] ?? 'default')}
  })
  const keyWidth = Math.max(...rows.map((row) => row.key.length))
  const valueWidth = Math.min(40, Math.max(...rows.map((row) => row.value.length)))
  const lines: string[] = [style.bold(heading)]
  let section = ''
  for (const row of rows) {
    if (row.top !== section) {
      lines.push('')
      section = row.top
    }
    const text = `${row.key.padEnd(keyWidth)}  ${row.value.padEnd(valueWidth)}  ${row.source}`
    lines.push(row.source === 'default' ? style.dim(text) : text)
  }
  return lines.join('\n')
}
