// Turns schema validation issues into one line per problem a user can act on: the key path, what was
// expected, what was found, and for a misspelt key or value the nearest valid one.
import {closest, distance} from 'fastest-levenshtein'
import type {z} from 'zod'

import {keysAt} from './schema-walk.js'

type Issue = z.core.$ZodIssue & {input?: unknown}
type Path = readonly PropertyKey[]

/** `checks.pylint.failUnder`, `paths.include[0]`; the whole document is "(top level)". */
export function keyPath(path: Path): string {
  if (path.length === 0) return '(top level)'
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`
    return text === '' ? String(key) : `${text}.${String(key)}`
  }, '')
}

/** Case, `_` and `-` differences count for nothing: `max_line_length` means `maxLineLength`. */
const normalise = (text: string) => text.toLowerCase().replaceAll(/[-_]/g, '')

/** The valid candidate nearest to what was written, when it is near enough to be a likely typo. */
export function nearest(written: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined
  const byNormal = new Map(candidates.map((candidate) => [normalise(candidate), candidate]))
  const best = closest(normalise(written), [...byNormal.keys()])
  const allowed = Math.max(1, Math.floor(normalise(written).length / 3))
  return distance(normalise(written), best) <= allowed ? byNormal.get(best) : undefined
}

/** A short, unambiguous rendering of a value the user wrote. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list'
  if (value instanceof Date) return 'a date'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}

const EXPECTED_TYPE: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object (a table of keys)',
}

function sizeLimit(issue: Extract<Issue, {code: 'too_small' | 'too_big'}>): string {
  const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum)
  const small = issue.code === 'too_small'
  if (issue.origin === 'array') {
    return small ? `at least ${limit} item${limit === 1 ? '' : 's'}` : `at most ${limit} item${limit === 1 ? '' : 's'}`
  }
  if (issue.origin === 'string') return small && limit === 1 ? 'a non-empty string' : `a string of ${small ? 'at least' : 'at most'} ${limit} characters`
  const operator = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<'
  return `a number ${operator} ${limit}`
}

/** "expected one of …, got …", with the nearest option when the value looks like a misspelling. */
function oneOf(at: string, values: readonly unknown[], input: unknown): string {
  const options = values.map((value) => JSON.stringify(value)).join(', ')
  const suggestion = typeof input === 'string' ? nearest(input, values.filter((v): v is string => typeof v === 'string')) : undefined
  return `${at}: expected one of ${options}, got ${describeValue(input)}${suggestion ? `; did you mean "${suggestion}"?` : ''}`
}

function explain(issue: Issue, schema: z.core.$ZodType): string[] {
  const at = keyPath(issue.path)
  const got = `got ${describeValue(issue.input)}`
  switch (issue.code) {
    case 'invalid_type': {
      return [`${at}: expected ${EXPECTED_TYPE[issue.expected] ?? issue.expected}, ${got}`]
    }
    case 'invalid_value': {
      return [oneOf(at, issue.values, issue.input)]
    }
    case 'invalid_union': {
      // A discriminated union (a check's kind): the path already ends at the discriminator.
      const {discriminator, options} = issue as Issue & {discriminator?: string; options?: unknown[]}
      if (!discriminator || !options) return [`${at}: ${issue.message}`]
      const input = issue.input as Record<string, unknown> | undefined
      return [oneOf(at, options, input?.[discriminator])]
    }
    case 'unrecognized_keys': {
      const valid = keysAt(schema, issue.path, issue.input).filter((key) => !key.startsWith('$'))
      return issue.keys.map((key) => {
        const suggestion = nearest(key, valid)
        const hint = suggestion ? `did you mean "${suggestion}"?` : `valid keys here: ${valid.join(', ')}`
        return `${keyPath([...issue.path, key])}: unknown key; ${hint}`
      })
    }
    case 'too_small':
    case 'too_big': {
      return [`${at}: expected ${sizeLimit(issue)}, ${got}`]
    }
    default: {
      return [`${at}: ${issue.message}`]
    }
  }
}

/** One line per problem, in the order the schema found them. */
export function describeProblems(issues: readonly z.core.$ZodIssue[], schema: z.core.$ZodType): string[] {
  return issues.flatMap((issue) => explain(issue as Issue, schema))
}
