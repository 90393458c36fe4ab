// Reading a service's metrics endpoint for error-rate checks: a parser of the Prometheus text exposition
// format (version 0.0.4: comments, HELP and TYPE lines, labels with escaped values, NaN and ±Inf, optional
// timestamps) and the series selectors operators already write in PromQL (`name{label op "value", ...}` with
// =, !=, =~ and !~, regular expressions fully anchored as Prometheus anchors them).

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
  /** Milliseconds since the epoch, when the line carries one. */
  timestamp?: number
}

export interface Exposition {
  samples: Sample[]
  /** Metric names announced by HELP or TYPE lines, with their type when given (a family may have no sample yet). */
  families: Map<string, {type?: string}>
}

export type MatchOperator = '=' | '!=' | '=~' | '!~'

export interface LabelMatcher {
  label: string
  op: MatchOperator
  value: string
  /** For =~ and !~: the value compiled, anchored at both ends. */
  regex?: RegExp
}

export interface Selector {
  /** Absent when the selector is only matchers (`{__name__=~"http_.*"}`). */
  name?: string
  matchers: LabelMatcher[]
}

/** A syntax error in an exposition or a selector; the message names the place and what was expected. */
export class PrometheusSyntaxError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PrometheusSyntaxError'
  }
}

const METRIC_NAME = /^[A-Za-z_:][A-Za-z0-9_:]*/
const WHOLE_METRIC_NAME = /^[A-Za-z_:][A-Za-z0-9_:]*$/
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*/
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
// Go's ParseFloat, which Prometheus uses, takes these case-insensitively.
const SPECIAL_VALUES: Record<string, number> = {
  nan: Number.NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
}

/** Parses an exposition; throws PrometheusSyntaxError naming the first bad line. */
export function parseExposition(text: string): Exposition {
  const samples: Sample[] = []
  const families = new Map<string, {type?: string}>()
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').trim()
    if (line === '') return
    try {
      if (line.startsWith('#')) readComment(line, families)
      else samples.push(readSample(line))
    } catch (error) {
      if (error instanceof PrometheusSyntaxError) throw new PrometheusSyntaxError(`line ${index + 1}: ${error.message}: ${line.slice(0, 120)}`)
      throw error
    }
  })
  return {samples, families}
}

function readComment(line: string, families: Map<string, {type?: string}>): void {
  const match = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line)
  if (!match) return // any other comment
  const [, keyword, name, rest] = match
  if (!WHOLE_METRIC_NAME.test(name)) throw new PrometheusSyntaxError(`"${name}" is not a metric name`)
  const family = families.get(name) ?? {}
  if (keyword === 'TYPE') family.type = rest?.trim()
  families.set(name, family)
}

function readSample(line: string): Sample {
  const cursor = new Cursor(line)
  const name = cursor.take(METRIC_NAME, 'a metric name')
  cursor.skipSpaces()
  const labels = new Map<string, string>()
  if (cursor.peek() === '{') {
    for (const {label, value} of readBraces(cursor, ['='], true)) {
      if (labels.has(label)) throw new PrometheusSyntaxError(`the label "${label}" appears twice`)
      labels.set(label, value)
    }
  }
  const fields = cursor.rest().trim().split(/[ \t]+/)
  if (fields[0] === '') throw new PrometheusSyntaxError('the sample has no value')
  if (fields.length > 2) throw new PrometheusSyntaxError('unexpected text after the value and timestamp')
  // fromEntries defines own properties, so even a label named __proto__ stays a label.
  const sample: Sample = {name, labels: Object.fromEntries(labels), value: parseValue(fields[0])}
  if (fields[1] !== undefined) {
    if (!/^-?\d+$/.test(fields[1])) throw new PrometheusSyntaxError(`"${fields[1]}" is not a timestamp (whole milliseconds)`)
    sample.timestamp = Number(fields[1])
  }
  return sample
}

function parseValue(text: string): number {
  const special = SPECIAL_VALUES[text.toLowerCase()]
  if (special !== undefined) return special
  if (!DECIMAL.test(text)) throw new PrometheusSyntaxError(`"${text}" is not a number`)
  return Number(text)
}

/**
 * `{a="x", b=~"y"}` at the cursor: label, operator (`operators` longest first), quoted value, separated by
 * commas, a trailing comma allowed. The exposition quotes with `"` only; selectors also take `'` and raw
 * backquotes, as PromQL does.
 */
function readBraces(cursor: Cursor, operators: MatchOperator[], exposition: boolean): LabelMatcher[] {
  const out: LabelMatcher[] = []
  cursor.expect('{')
  for (;;) {
    cursor.skipSpaces()
    if (cursor.peek() === '}') break
    const label = cursor.take(LABEL_NAME, 'a label name')
    cursor.skipSpaces()
    const op = operators.find((candidate) => cursor.startsWith(candidate))
    if (!op) throw new PrometheusSyntaxError(`expected ${operators.join(', ')} after the label "${label}" at column ${cursor.column}`)
    cursor.advance(op.length)
    cursor.skipSpaces()
    out.push({label, op, value: readQuoted(cursor, exposition ? ['"'] : ['"', "'", '`'])})
    cursor.skipSpaces()
    if (cursor.peek() === ',') cursor.advance(1)
    else if (cursor.peek() !== '}') throw new PrometheusSyntaxError(`expected "," or "}" at column ${cursor.column}`)
  }
  cursor.expect('}')
  return out
}

const ESCAPES: Record<string, string> = {'\\': '\\', '"': '"', "'": "'", n: '\n', t: '\t'}

function readQuoted(cursor: Cursor, quotes: string[]): string {
  const quote = cursor.peek()
  if (!quotes.includes(quote)) throw new PrometheusSyntaxError(`expected a value in ${quotes.join(' or ')} quotes at column ${cursor.column}`)
  cursor.advance(1)
  let value = ''
  for (;;) {
    const char = cursor.peek()
    if (char === '') throw new PrometheusSyntaxError(`the value opened with ${quote} is never closed`)
    cursor.advance(1)
    if (char === quote) return value
    // Backquoted PromQL strings are raw; the others escape like Go strings (the exposition: \\, \" and \n).
    if (char === '\\' && quote !== '`') {
      const escaped = cursor.peek()
      cursor.advance(1)
      value += ESCAPES[escaped] ?? `\\${escaped}`
    } else {
      value += char
    }
  }
}

/** Parses `name`, `name{matchers}` or `{matchers}`; throws PrometheusSyntaxError saying what is wrong. */
export function parseSelector(text: string): Selector {
  const cursor = new Cursor(text.trim())
  const name = METRIC_NAME.test(cursor.rest()) ? cursor.take(METRIC_NAME, 'a metric name') : undefined
  cursor.skipSpaces()
  const matchers = cursor.peek() === '{' ? readBraces(cursor, ['=~', '!~', '!=', '='], false) : []
  cursor.skipSpaces()
  if (cursor.rest() !== '') throw new PrometheusSyntaxError(`unexpected "${cursor.rest()}" at column ${cursor.column} (a selector is name{label="value", ...})`)
  for (const matcher of matchers) {
    if (matcher.op === '=~' || matcher.op === '!~') matcher.regex = anchored(matcher.value)
  }
  // As in PromQL: without a name, something must narrow the selection, or it would add up every series.
  if (name === undefined && matchers.every((matcher) => matchesValue(matcher, ''))) {
    throw new PrometheusSyntaxError('a selector needs a metric name or a matcher that does not match the empty string')
  }
  return {name, matchers}
}

function anchored(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`)
  } catch (error) {
    throw new PrometheusSyntaxError(`"${pattern}" is not a valid regular expression (${(error as Error).message})`)
  }
}

function matchesValue(matcher: LabelMatcher, value: string): boolean {
  switch (matcher.op) {
    case '=':
      return value === matcher.value
    case '!=':
      return value !== matcher.value
    case '=~':
      return (matcher.regex ?? anchored(matcher.value)).test(value)
    case '!~':
      return !(matcher.regex ?? anchored(matcher.value)).test(value)
  }
}

/** Whether a sample is selected; an absent label reads as the empty string, as in Prometheus. */
export function selects(selector: Selector, sample: Sample): boolean {
  if (selector.name !== undefined && sample.name !== selector.name) return false
  return selector.matchers.every((matcher) => matchesValue(matcher, labelValue(sample, matcher.label)))
}

function labelValue(sample: Sample, label: string): string {
  if (label === '__name__') return sample.name
  return Object.hasOwn(sample.labels, label) ? sample.labels[label] : ''
}

/** The sum of the selected samples' values, and how many there were. */
export function sumSelected(samples: Sample[], selector: Selector): {sum: number; count: number} {
  let sum = 0
  let count = 0
  for (const sample of samples) {
    if (!selects(selector, sample)) continue
    sum += sample.value
    count++
  }
  return {sum, count}
}

class Cursor {
  private index = 0
  constructor(private readonly text: string) {}

  get column(): number {
    return this.index + 1
  }

  peek(): string {
    return this.text.charAt(this.index)
  }

  rest(): string {
    return this.text.slice(this.index)
  }

  startsWith(token: string): boolean {
    return this.text.startsWith(token, this.index)
  }

  advance(count: number): void {
    this.index += count
  }

  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.index++
  }

  take(pattern: RegExp, what: string): string {
    const match = pattern.exec(this.rest())
    if (!match) throw new PrometheusSyntaxError(`expected ${what} at column ${this.column}`)
    this.index += match[0].length
    return match[0]
  }

  expect(token: string): void {
    if (!this.startsWith(token)) throw new PrometheusSyntaxError(`expected "${token}" at column ${this.column}`)
    this.index += token.length
  }
}
