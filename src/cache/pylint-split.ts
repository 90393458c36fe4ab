// How pylint is split for caching. Its per-file messages depend on the file and what it imports; two
// messages depend on the whole run (duplicate-code compares every file, cyclic-import walks every import),
// and so does the score (statements and messages of every file). So the cached plan runs pylint on the files
// whose key changed, and gets those from either that same run (given every other file's record: see
// pylint-facts.ts) or a run over every file with only those messages on plus `--reports=y` (which prints the
// run's statement count) beside a per-file run with them off; it recomputes the score with pylint's default
// evaluation from the merged messages.
import type {Finding} from '../checks/types.js'

export const CROSS_MODULE_MESSAGES = ['duplicate-code', 'cyclic-import'] as const

/** Arguments added after the repository's own for the per-file run. */
export const PER_FILE_ARGS = [`--disable=${CROSS_MODULE_MESSAGES.join(',')}`]

/** Arguments added after the repository's own for the whole-repository run; `enabled` from `--list-msgs-enabled`. */
export function crossModuleArgs(enabled: ReadonlySet<string>): string[] {
  const wanted = CROSS_MODULE_MESSAGES.filter((symbol) => enabled.has(symbol))
  return ['--disable=all', ...(wanted.length > 0 ? [`--enable=${wanted.join(',')}`] : []), '--reports=y']
}

export function isCrossModule(finding: Finding): boolean {
  return (CROSS_MODULE_MESSAGES as readonly string[]).includes(finding.rule)
}

/** The message symbols `pylint --list-msgs-enabled` lists as enabled (with the repository's configuration). */
export function parseEnabledMessages(stdout: string): Set<string> {
  const enabled = new Set<string>()
  let inEnabled = false
  for (const line of stdout.split(/\r?\n/)) {
    if (/^Enabled messages:/.test(line)) inEnabled = true
    else if (/^\S/.test(line)) inEnabled = false
    else if (inEnabled) {
      const symbol = /^\s+([\w-]+) \([A-Z]\d{4}\)/.exec(line)?.[1]
      if (symbol) enabled.add(symbol)
    }
  }
  return enabled
}

/** "N statements analysed." from a run with `--reports=y`. */
export function readStatements(stdout: string): number | undefined {
  const match = /^(\d+) statements analysed\.$/m.exec(stdout)
  return match ? Number(match[1]) : undefined
}

type Category = 'fatal' | 'error' | 'warning' | 'refactor' | 'convention' | 'info'
const CATEGORIES: Record<string, Category> = {F: 'fatal', E: 'error', W: 'warning', R: 'refactor', C: 'convention', I: 'info'}

/** The category from the message id the pylint check appends to each message ("… (C0301)"). */
function categoryOf(finding: Finding): Category | undefined {
  const letter = /\(([FEWRCI])\d{4}\)$/.exec(finding.message)?.[1]
  return letter ? CATEGORIES[letter] : undefined
}

/**
 * pylint's default evaluation, rounded as it prints it: 0 with a fatal message, else
 * max(0, 10 - 10 * (5 * error + warning + refactor + convention) / statements). Undefined when there is no
 * statement (pylint prints no score) or a message's category cannot be read.
 */
export function pylintScore(findings: readonly Finding[], statements: number): number | undefined {
  if (statements <= 0) return undefined
  const counts: Record<Category, number> = {fatal: 0, error: 0, warning: 0, refactor: 0, convention: 0, info: 0}
  for (const finding of findings) {
    const category = categoryOf(finding)
    if (!category) return undefined
    counts[category]++
  }
  if (counts.fatal > 0) return 0
  const note = Math.max(0, 10 - ((5 * counts.error + counts.warning + counts.refactor + counts.convention) / statements) * 10)
  return Math.round(note * 100) / 100
}

/** True when configuration may replace pylint's evaluation formula, so a score cannot be recomputed. */
export function customisesEvaluation(configTexts: readonly string[], args: readonly string[]): boolean {
  return args.some((arg) => arg.startsWith('--evaluation')) || configTexts.some((text) => /^\s*evaluation\s*=/m.test(text))
}
