// Finds the import statements of a Python source without Python: a small tokenizer that skips comments and
// strings and joins bracketed lines, then reads `import a.b as c, d` and `from ..x import (y, z)` wherever
// they appear (inside functions, under `if TYPE_CHECKING:`, after `;` or `try:`). It errs on the side of
// finding too much: an extra dependency only costs a re-lint, a missed one would replay stale results.
// Dynamic imports (`importlib.import_module("x")`, `__import__`) are not seen; pylint does not follow them either.
// It also gives a module's digest without comments and blank lines: what importers see of it.
import {createHash} from 'node:crypto'

export interface ImportStatement {
  /** The dotted module after `import` or `from` ('' for `from . import x`). */
  module: string
  /** Leading dots of a relative import; 0 for an absolute one. */
  level: number
  /** For `from m import a, b`: the imported names ('*' for a star import); undefined for `import m`. */
  names?: string[]
}

type Token = {kind: 'name'; text: string} | {kind: 'dot' | 'comma' | 'open' | 'close' | 'end' | 'star' | 'other'}

const NAME_START = /[\p{L}\p{Nl}_]/u
const NAME_REST = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_]/u
const STRING_PREFIX = /^(?:[rRuUbBfF]|[rR][bBfF]|[bBfF][rR])$/

// ASCII first: the Unicode classes cost a regular expression per character.
function isNameStart(c: string): boolean {
  const code = c.charCodeAt(0)
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95
  return NAME_START.test(c)
}

function isNameRest(c: string): boolean {
  const code = c.charCodeAt(0)
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95
  return NAME_REST.test(c)
}

export function scanImports(source: string): ImportStatement[] {
  if (!source.includes('import')) return []
  const tokens = tokenize(source)
  const found: ImportStatement[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]
    if (token.kind !== 'name' || token.text !== 'import') continue
    const from = fromClause(tokens, i)
    if (from) found.push({...from, names: importedNames(tokens, i + 1)})
    else found.push(...plainImports(tokens, i + 1))
  }
  return found
}

/** `from <dots><dotted> ` right before the `import` at `index`, or undefined for a plain import. */
function fromClause(tokens: Token[], index: number): {module: string; level: number} | undefined {
  const parts: string[] = []
  let j = index - 1
  for (; j >= 0; j--) {
    const token = tokens[j]
    if (token.kind === 'name' && token.text === 'from') break
    if (token.kind === 'name') parts.unshift(token.text)
    else if (token.kind === 'dot') parts.unshift('.')
    else return undefined
  }
  if (j < 0 || parts.length === 0) return undefined
  const dotted = parts.join('')
  const level = /^\.*/.exec(dotted)?.[0].length ?? 0
  return {module: dotted.slice(level), level}
}

function importedNames(tokens: Token[], start: number): string[] {
  const names: string[] = []
  let expectName = true
  for (let j = start; j < tokens.length; j++) {
    const token = tokens[j]
    if (token.kind === 'open') continue
    if (token.kind === 'end' || token.kind === 'close' || token.kind === 'other') break
    if (token.kind === 'star') names.push('*')
    else if (token.kind === 'comma') expectName = true
    else if (token.kind === 'name' && expectName) {
      names.push(token.text)
      expectName = false
    }
  }
  return names
}

function plainImports(tokens: Token[], start: number): ImportStatement[] {
  const found: ImportStatement[] = []
  let current = ''
  let aliasNext = false
  const flush = () => {
    if (current) found.push({module: current, level: 0})
    current = ''
  }
  for (let j = start; j < tokens.length; j++) {
    const token = tokens[j]
    if (token.kind === 'end' || token.kind === 'other' || token.kind === 'close' || token.kind === 'open') break
    if (token.kind === 'comma') {
      flush()
      aliasNext = false
    } else if (token.kind === 'name' && token.text === 'as') {
      aliasNext = true
    } else if (!aliasNext) {
      current += token.kind === 'name' ? token.text : token.kind === 'dot' ? '.' : ''
    }
  }
  flush()
  return found
}

/**
 * Names, dots, commas, brackets and statement ends; strings, numbers and comments vanish. A line break
 * ends a statement only outside brackets and not after a backslash, as in Python; so do `;` and `:`
 * (which cannot occur inside an import statement).
 */
function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let depth = 0
  let i = 0
  const n = source.length
  while (i < n) {
    const c = source[i]
    if (c === '#') {
      while (i < n && source[i] !== '\n') i++
    } else if (c === '\\' && (source[i + 1] === '\n' || (source[i + 1] === '\r' && source[i + 2] === '\n'))) {
      i += source[i + 1] === '\n' ? 2 : 3
    } else if (c === '\n') {
      if (depth === 0) tokens.push({kind: 'end'})
      i++
    } else if (c === '"' || c === "'") {
      i = skipString(source, i)
      tokens.push({kind: 'other'})
    } else if (isNameStart(c)) {
      let j = i + 1
      while (j < n && isNameRest(source[j])) j++
      const text = source.slice(i, j)
      if ((source[j] === '"' || source[j] === "'") && STRING_PREFIX.test(text)) {
        i = skipString(source, j)
        tokens.push({kind: 'other'})
      } else {
        tokens.push({kind: 'name', text})
        i = j
      }
    } else if (c >= '0' && c <= '9') {
      // A number, with its dots and exponent, is one token so `1.5` reads as no dot.
      let j = i + 1
      while (j < n && /[\w.]/.test(source[j])) j++
      tokens.push({kind: 'other'})
      i = j
    } else {
      if (c === '.') tokens.push({kind: 'dot'})
      else if (c === ',') tokens.push({kind: 'comma'})
      else if (c === '*') tokens.push({kind: 'star'})
      else if (c === '(' || c === '[' || c === '{') {
        depth++
        tokens.push({kind: 'open'})
      } else if (c === ')' || c === ']' || c === '}') {
        depth = Math.max(0, depth - 1)
        tokens.push({kind: 'close'})
      } else if (c === ';' || c === ':') tokens.push({kind: 'end'})
      else if (c !== ' ' && c !== '\t' && c !== '\r' && c !== '\f') tokens.push({kind: 'other'})
      i++
    }
  }
  return tokens
}

/** The index after the string literal whose opening quote is at `start` (an unterminated one runs to the end). */
function skipString(source: string, start: number): number {
  const quote = source[start]
  const triple = source.startsWith(quote.repeat(3), start)
  const closing = triple ? quote.repeat(3) : quote
  let i = start + closing.length
  while (i < source.length) {
    const c = source[i]
    if (c === '\\') i += 2
    else if (source.startsWith(closing, i)) return i + closing.length
    else if (c === '\n' && !triple) return i
    else i++
  }
  return i
}

/** Comments that change what a module means to pylint or Python: type comments, pylint pragmas, the encoding. */
const MEANINGFUL_COMMENT = /#\s*(?:type:|pylint:|-\*-|vim:|coding[:=])/

/**
 * A digest of the source without comments, trailing spaces and blank lines: the same for two versions of a
 * module that only differ there, so its importers keep their keys. (Their pylint messages never quote the
 * imported module's line numbers; only duplicate-code does, and that one is keyed on every file's bytes.)
 */
export function semanticDigest(source: string): string {
  const hash = createHash('sha256')
  let line: string[] = []
  const endLine = () => {
    const text = line.join('').trimEnd()
    if (text.trim() !== '') hash.update(`${text}\n`)
    line = []
  }
  const n = source.length
  let start = 0
  let i = 0
  while (i < n) {
    const c = source[i]
    if (c === '#') {
      line.push(source.slice(start, i))
      let j = source.indexOf('\n', i)
      if (j === -1) j = n
      const comment = source.slice(i, j)
      if (MEANINGFUL_COMMENT.test(comment)) line.push(comment)
      i = start = j
    } else if (c === '"' || c === "'") {
      i = skipString(source, i)
    } else if (c === '\n') {
      line.push(source.slice(start, i))
      endLine()
      i = start = i + 1
    } else i++
  }
  line.push(source.slice(start, n))
  endLine()
  return hash.digest('hex')
}
