// Reading raw tool output beyond one tool's format: JSON reports that may be missing, cut short or preceded
// by a banner; the short summary a crashed tool becomes; version lines printed on either stream.
import type {ParseResult, ToolOutput} from './types.js'
import {stripAnsi} from './paths.js'

export type JsonReport = {ok: true; value: unknown} | {ok: false}

/**
 * Parses a JSON report printed on stdout. Some tools print a banner or a deprecation notice first (safety
 * 3's `check`), so when the whole text is not JSON the report is taken from the first line that opens an
 * object or an array.
 */
export function readJsonReport(text: string): JsonReport {
  const trimmed = text.trim()
  if (trimmed === '') return {ok: false}
  const attempt = (candidate: string): JsonReport => {
    try {
      return {ok: true, value: JSON.parse(candidate) as unknown}
    } catch {
      return {ok: false}
    }
  }
  const whole = attempt(trimmed)
  if (whole.ok) return whole
  const start = trimmed.search(/^[[{]/m)
  return start > 0 ? attempt(trimmed.slice(start)) : whole
}

/** The last few meaningful lines a tool printed, where its error usually is (a traceback ends with it). */
export function outputTail(output: ToolOutput, maxLines = 6): string {
  const text = stripAnsi(output.stderr.trim() === '' ? output.stdout : output.stderr)
  const lines = text.split(/\r?\n/).map((line) => line.trimEnd()).filter((line) => line.trim() !== '')
  const tail = lines.slice(-maxLines).join('\n')
  return tail.length > 1500 ? `…${tail.slice(-1500)}` : tail
}

/** A tool that crashed or could not run: an error result that says what happened and what it printed. */
export function toolError(tool: string, output: ToolOutput, reason?: string): ParseResult {
  const headline = reason ?? `${tool} exited with code ${output.exitCode}`
  const tail = outputTail(output)
  return {kind: 'error', message: tail === '' ? `${headline} and printed nothing` : `${headline}:\n${tail}`}
}

/** The first capture of `pattern` on stdout, else on stderr (some tools print their version on stderr). */
export function matchVersion(output: ToolOutput, pattern: RegExp): string | undefined {
  return pattern.exec(stripAnsi(output.stdout))?.[1] ?? pattern.exec(stripAnsi(output.stderr))?.[1]
}
