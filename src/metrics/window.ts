// Time windows: `--window 30d` ending now, and the window of the same length before it (for trends).
import {parseDuration} from '../lifecycle/duration.js'

export interface Window {
  start: number
  end: number
}

export function parseWindow(text: string): number {
  return parseDuration(text, '--window', ['m', 'h', 'd', 'w'])
}

export function windowsEndingAt(end: number, lengthMs: number): {current: Window; previous: Window} {
  return {current: {start: end - lengthMs, end}, previous: {start: end - 2 * lengthMs, end: end - lengthMs}}
}

export const inWindow = (at: number, window: Window) => at >= window.start && at < window.end
