// The local run ledger: one JSON line per run in `<git common dir>/cicd/ledger.jsonl`, shared by every
// worktree of the repository and never committed. Each entry is appended with one write on a file opened for
// appending, so concurrent runs interleave whole lines; a line cut short by a crash, or edited by hand, is
// skipped and reported by the reader, never fatal.
import {mkdir, open, readFile} from 'node:fs/promises'
import path from 'node:path'

import {validateEntry, type LedgerEntry} from './entry.js'

export interface CorruptLine {
  line: number
  reason: string
}

export interface LedgerRead {
  entries: LedgerEntry[]
  corrupt: CorruptLine[]
}

export function ledgerFile(commonDir: string): string {
  return path.join(commonDir, 'cicd', 'ledger.jsonl')
}

export async function appendEntry(file: string, entry: LedgerEntry): Promise<void> {
  await mkdir(path.dirname(file), {recursive: true})
  const handle = await open(file, 'a')
  try {
    await handle.write(`${JSON.stringify(entry)}\n`)
  } finally {
    await handle.close()
  }
}

export function parseLedger(text: string): LedgerRead {
  const entries: LedgerEntry[] = []
  const corrupt: CorruptLine[] = []
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      corrupt.push({line: index + 1, reason: 'not valid JSON (a cut-short or hand-edited line)'})
      return
    }
    const checked = validateEntry(value)
    if (checked.ok) entries.push(checked.entry)
    else corrupt.push({line: index + 1, reason: checked.reason})
  })
  return {entries, corrupt}
}

/** An absent ledger is an empty one. */
export async function readLedgerFile(file: string): Promise<LedgerRead> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return ''
    throw error
  })
  return parseLedger(text)
}
