// A tiny model of a declarative Jenkinsfile: lines and `head { … }` blocks rendered with two-space
// indentation, and Groovy string literals that cannot be broken by what the configuration contains.

export type GroovyNode = string | GroovyBlock

export interface GroovyBlock {
  head: string
  body: GroovyNode[]
}

export function block(head: string, body: GroovyNode[]): GroovyBlock {
  return {head, body}
}

/** A single-quoted Groovy string: no interpolation, so `$VAR` reaches the shell as written. */
export function quote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`
}

export function render(nodes: GroovyNode[], depth = 0): string[] {
  const pad = '  '.repeat(depth)
  return nodes.flatMap((node) =>
    typeof node === 'string' ? [node === '' ? '' : `${pad}${node}`] : [`${pad}${node.head} {`, ...render(node.body, depth + 1), `${pad}}`],
  )
}
