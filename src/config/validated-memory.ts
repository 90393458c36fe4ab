// Configurations validated before, remembered by what was read. zod and the schema take about 0.1 s to load,
// on every `cicd check` and every push, to give the same answer for the same input: validation is a function
// of the parsed file alone (and of the schema, which changes only with cicd's build). Only valid
// configurations are remembered, and only when both what was read and the result are plain JSON data, so
// what comes back is exactly what validation gave.
import {createHash} from 'node:crypto'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {isDeepStrictEqual} from 'node:util'

import {cicdBuild, readMemory, writeMemory} from '../cache/remembered-runs.js'
import {userCacheDir} from '../cache/user-cache-dir.js'
import type {CicdConfig} from './types.js'

export interface Validated {
  config: CicdConfig
  sources: Record<string, string>
}

const LIMITS = {maxEntries: 64, maxAgeDays: 30}

/** Objects, arrays, strings, finite numbers, booleans and null: what JSON carries unchanged. */
export function isPlainData(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (Array.isArray(value)) return Object.keys(value).length === value.length && value.every((item) => isPlainData(item))
  // TOML parses to objects without a prototype.
  const prototype = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined
  if (prototype !== Object.prototype && prototype !== null) return false
  return Object.values(value as Record<string, unknown>).every((item) => isPlainData(item))
}

/**
 * Where the validation of `input` (read from `file`, relative to the root; undefined for the defaults) is
 * remembered, or undefined when it cannot be: the input is not plain data, or cicd runs from its sources,
 * whose schema changes without a build.
 */
export async function memoryFile(input: unknown, file: string | undefined): Promise<string | undefined> {
  const compiled = fileURLToPath(import.meta.url)
  if (!compiled.endsWith('.js') || (input !== undefined && !isPlainData(input))) return undefined
  const build = await cicdBuild(path.resolve(path.dirname(compiled), '..', '..')).catch(() => undefined)
  if (!build) return undefined
  const key = createHash('sha256').update(JSON.stringify({build, file: file ?? null, input: input ?? null})).digest('hex')
  return userCacheDir('configs', `${key}.json`)
}

export async function recall(file: string): Promise<Validated | undefined> {
  const value = (await readMemory(file)) as Validated | undefined
  return value && typeof value.config === 'object' && value.config !== null && typeof value.sources === 'object' && value.sources !== null ? value : undefined
}

/** Remembers a validation when it survives JSON unchanged; a failure to write only costs the next run the time. */
export async function remember(file: string, validated: Validated): Promise<void> {
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(validated)), validated)) return
  await writeMemory(file, validated, LIMITS).catch(() => undefined)
}
