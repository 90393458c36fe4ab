// Keeping secrets out of output, logs and records: masks known secret values and any password written in
// a URL, and resolves `${VAR}` references so secrets can live in the environment instead of the config.

const MASK = '***'

/** `postgres://u:pw@h/db` → `postgres://u:***@h/db`; other text is returned as is. */
export function redactUrl(url: string): string {
  return url.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]*@/gi, `$1${MASK}@`)
}

/** Splits the password off a URL so a tool can receive it in its environment instead of argv. */
export function stripPassword(url: string): {url: string; password?: string} {
  try {
    const parsed = new URL(url)
    if (!parsed.password) return {url}
    const password = decodeURIComponent(parsed.password)
    parsed.password = ''
    return {url: parsed.toString(), password}
  } catch {
    return {url}
  }
}

export type Redactor = (text: string) => string

/** A function masking each given secret (longest first, so a secret containing another is masked whole). */
export function createRedactor(secrets: Iterable<string | undefined>): Redactor {
  const values = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort((a, b) => b.length - a.length)
  return (text) => {
    let out = text
    for (const value of values) out = out.split(value).join(MASK)
    return redactUrl(out)
  }
}

/** Every string inside a JSON-like value passed through `map` (the structure is copied, never changed). */
export function mapStrings<T>(value: T, map: (text: string) => string): T {
  if (typeof value === 'string') return map(value) as T
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map)) as T
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)])) as T
  }
  return value
}

/** Masks every string inside a JSON-like value (for records written to the state database). */
export function redactDeep<T>(value: T, redact: Redactor): T {
  return mapStrings(value, redact)
}

/** Replaces `${NAME}` with the variable's value; a missing variable is an error naming it. */
export function resolveRefs(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const resolved = env[name]
    if (resolved === undefined) throw new MissingVariableError(name)
    return resolved
  })
}

/** The values `${NAME}` references point to: each is a secret by construction. */
export function referencedValues(values: Iterable<string>, env: Record<string, string | undefined>): string[] {
  const out: string[] = []
  for (const value of values) {
    for (const match of value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
      const resolved = env[match[1]]
      if (resolved) out.push(resolved)
    }
  }
  return out
}

export class MissingVariableError extends Error {
  constructor(readonly variable: string) {
    super(`the environment variable ${variable} is not set`)
  }
}
