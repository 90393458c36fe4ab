// Durations written by people on the command line and in configuration: a number and a unit.
import {UsageError} from '../errors.js'

const UNIT_MS = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000} as const
const EXAMPLE = {s: '90s (seconds)', m: '30m (minutes)', h: '12h (hours)', d: '30d (days)', w: '2w (weeks)'} as const
type Unit = keyof typeof UNIT_MS

/** `30m` → 1 800 000; a bad or zero duration is a usage error naming `what` (e.g. "--watch") with examples. */
export function parseDuration(text: string, what: string, units: Unit[] = ['s', 'm', 'h', 'd', 'w']): number {
  const match = /^(\d+)([a-z])$/.exec(text.trim())
  const unit = match?.[2] as Unit | undefined
  const ms = match && unit && units.includes(unit) ? Number(match[1]) * UNIT_MS[unit] : 0
  if (ms <= 0) {
    throw new UsageError(`${what} ${JSON.stringify(text)} is not a duration.`, [`Write a number and a unit: ${units.map((u) => EXAMPLE[u]).join(', ')}`])
  }
  return ms
}
