// Time windows: `--window 30d` ending now, and the window of the same length before it (for trends).
import {UsageError} from '../errors.js'
import {WINDOW_PATTERN} from './schema.js'

export interface Window {
  start: number
  end: number
}

const UNIT_MS = {m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000} as const

export function parseWindow(text: string): number {
  const match = WINDOW_PATTERN.exec(text.trim())
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : 0
  if (!match || ms <= 0) {
    throw new UsageError(`--window ${JSON.stringify(text)} is not a duration.`, ['Write a number and a unit: 30d (days), 2w (weeks), 12h (hours) or 90m (minutes)'])
  }
  return ms
}

export function windowsEndingAt(end: number, lengthMs: number): {current: Window; previous: Window} {
  return {current: {start: end - lengthMs, end}, previous: {start: end - 2 * lengthMs, end: end - lengthMs}}
}

export const inWindow = (at: number, window: Window) => at >= window.start && at < window.end
