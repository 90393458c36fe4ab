// Questions to the person at the terminal (stdin/stderr), with a time limit; non-interactive shells get none.
import {createInterface} from 'node:readline/promises'

export interface Prompter {
  /** stdin and stderr are terminals, so someone can answer. */
  readonly interactive: boolean
  /** The typed answer, trimmed; undefined when the time ran out. */
  ask(question: string, timeoutMs: number): Promise<string | undefined>
}

export function createPrompter(): Prompter {
  return {
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    async ask(question, timeoutMs) {
      const rl = createInterface({input: process.stdin, output: process.stderr})
      try {
        return (await rl.question(question, {signal: AbortSignal.timeout(timeoutMs)})).trim()
      } catch (error) {
        if ((error as Error).name === 'AbortError') return undefined
        throw error
      } finally {
        rl.close()
      }
    },
  }
}
