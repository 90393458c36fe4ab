// Where output goes: results to stdout, everything else to stderr, colour only when stderr/stdout is a TTY
// and NO_COLOR is not set.
import {Chalk, type ChalkInstance} from 'chalk'

export interface Terminal {
  /** A result line (stdout). */
  out(text: string): void
  /** A progress, warning or error line (stderr). */
  error(text: string): void
  /** An error and what to do about it (stderr): shown whatever --quiet or --json say. */
  problem(message: string, nextSteps?: string[]): void
  /** Only with --verbose (stderr). */
  debug(text: string): void
  readonly color: ChalkInstance
  readonly isTTY: boolean
}

/** quiet: stderr keeps only errors; json: the same, and no colour anywhere. */
export function createTerminal(options: {verbose?: boolean; quiet?: boolean; json?: boolean} = {}): Terminal {
  const isTTY = Boolean(process.stderr.isTTY)
  const colorOn = !options.json && isTTY && !process.env.NO_COLOR
  const color = new Chalk({level: colorOn ? 1 : 0})
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    error: (text) => {
      if (!(options.quiet || options.json)) process.stderr.write(`${text}\n`)
    },
    problem: (message, nextSteps = []) => {
      process.stderr.write(`${color.red('Error:')} ${message}\n`)
      for (const step of nextSteps) process.stderr.write(`  → ${step}\n`)
    },
    debug: (text) => {
      if (options.verbose) process.stderr.write(`${color.dim(text)}\n`)
    },
    color,
    isTTY,
  }
}
