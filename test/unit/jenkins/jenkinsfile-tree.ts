// Reads a Jenkinsfile back into its block structure (`head { … }` and statements), independently of the
// generator's model, so tests assert on the text Jenkins would read: stages, when conditions, steps, posts.
export interface Block {
  head: string
  statements: string[]
  blocks: Block[]
}

export function parseJenkinsfile(text: string): Block {
  const root: Block = {head: '', statements: [], blocks: []}
  const stack = [root]
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('//')) continue
    const top = stack.at(-1)!
    if (line === '}') {
      if (stack.length === 1) throw new Error('unbalanced }')
      stack.pop()
    } else if (line.endsWith('{')) {
      const child: Block = {head: line.slice(0, -1).trim(), statements: [], blocks: []}
      top.blocks.push(child)
      stack.push(child)
    } else top.statements.push(line)
  }
  if (stack.length !== 1) throw new Error('unclosed block')
  return root
}

export function child(block: Block, head: string): Block {
  const found = block.blocks.find((b) => b.head === head)
  if (!found) throw new Error(`no "${head}" in "${block.head}" (has: ${block.blocks.map((b) => b.head).join(', ')})`)
  return found
}

/** Every stage by name, at any depth (parallel stages included), in file order. */
export function stages(block: Block): Map<string, Block> {
  const found = new Map<string, Block>()
  const walk = (b: Block) => {
    for (const c of b.blocks) {
      const name = /^stage\('(.*)'\)$/.exec(c.head)?.[1]
      if (name !== undefined) found.set(name, c)
      walk(c)
    }
  }
  walk(block)
  return found
}

/** The branch patterns a `when` block lets through, as a readable expression ("develop | main | hotfix/* & !feature/*"). */
export function whenExpression(stage: Block): string | undefined {
  const when = stage.blocks.find((b) => b.head === 'when')
  if (!when) return undefined
  const expr = (b: Block): string => {
    const parts = [...b.statements.map((s) => /^branch '(.*)'$/.exec(s)?.[1] ?? `?${s}`), ...b.blocks.map(expr)]
    if (b.head === 'anyOf' || b.head === 'when') return parts.join(' | ')
    if (b.head === 'allOf') return `(${parts.join(' & ')})`
    if (b.head === 'not') return `!(${parts.join(' | ')})`
    return `?${b.head}`
  }
  return expr(when)
}
