// The `postgres` check: connect, run the query, and hold the answer to the check's expectations on the number
// of rows and on the first column of the first row. An abort cancels the query on the server before closing
// the connection: closing alone would leave the backend running a long query to its end, because PostgreSQL
// only notices that its client is gone when it next talks to it.
import {connectPostgres} from '../../adapters/postgres.js'
import {createRedactor, stripPassword} from '../../lifecycle/redact.js'
import {formatMs} from '../run-check.js'
import type {CheckOf} from '../schema.js'
import type {Probe, ProbeResult} from '../types.js'

type Row = Record<string, unknown>
type Bounds = {min?: number; max?: number; equals?: number | string}

const PURPOSE = 'database of the postgres check'

export const postgresProbe: Probe<'postgres'> = async (check, ctx) => {
  const url = check.url ?? ctx.databaseUrl
  if (!url) {
    return {ok: false, evidence: `no database to query: set url on the check, or environments.${ctx.environment}.database`}
  }
  const redact = createRedactor([stripPassword(url).password])
  const started = performance.now()
  let rows: Row[]
  try {
    rows = await runQuery(url, check, ctx.signal)
  } catch (error) {
    // Aborted: the runner words the evidence (timeout or interruption).
    ctx.signal.throwIfAborted()
    return {ok: false, evidence: redact(reasonOf(error))}
  }
  // A query of several statements gives pg one result per statement, and no rows for the whole.
  if (!Array.isArray(rows)) return {ok: false, evidence: 'the query must be a single statement'}
  const result = judge(rows, check, performance.now() - started)
  return {...result, evidence: redact(result.evidence)}
}

async function runQuery(url: string, check: CheckOf<'postgres'>, signal: AbortSignal): Promise<Row[]> {
  const db = await untilAborted(connectPostgres({url, purpose: PURPOSE, connectTimeoutMs: check.timeoutMs}), signal, (late) => late.close())
  let stopping: Promise<void> | undefined
  try {
    const [{pid}] = await untilAborted(db.query<{pid: number}>('select pg_backend_pid() as pid'), signal)
    signal.throwIfAborted()
    const stop = () => {
      stopping = cancelBackend(url, pid)
    }
    // Registered before untilAborted's own listener, so `stopping` is set when the finally below runs.
    signal.addEventListener('abort', stop, {once: true})
    try {
      return await untilAborted(db.query(check.query), signal)
    } finally {
      signal.removeEventListener('abort', stop)
    }
  } finally {
    await stopping
    await db.close()
  }
}

/** pg_cancel_backend from a second connection: a role may cancel its own backends. Best effort, bounded. */
async function cancelBackend(url: string, pid: number): Promise<void> {
  try {
    const admin = await connectPostgres({url, purpose: PURPOSE, connectTimeoutMs: 2000})
    try {
      await admin.query('select pg_cancel_backend($1)', [pid])
    } finally {
      await admin.close()
    }
  } catch {
    // The connection is closed next anyway; the server ends the backend when the query returns.
  }
}

/** The work's result, or the abort's reason as soon as the signal fires; a late result goes to `onLate`. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal, onLate?: (value: T) => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.then((value) => onLate?.(value), () => {})
      reject(signal.reason)
    }
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, {once: true})
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** The server's own words ("password authentication failed for user …"), without the adapter's preamble. */
function reasonOf(error: unknown): string {
  const cause = (error as Error).cause
  const reason = cause instanceof Error ? cause : (error as Error)
  const {code, address, port} = reason as NodeJS.ErrnoException & {address?: string; port?: number}
  if (code === 'ECONNREFUSED') return `connection refused (${address}:${port})`
  return reason.message
}

function judge(rows: Row[], check: CheckOf<'postgres'>, elapsedMs: number): ProbeResult {
  const count = rows.length
  const rowProblem = missed(count, check.rows)
  let text = `${count} ${count === 1 ? 'row' : 'rows'}${rowProblem ? ` (${rowProblem})` : ''}`
  let valueProblem: string | undefined
  if (count > 0) {
    const value = Object.values(rows[0])[0]
    valueProblem = check.value && missed(value, check.value)
    text += `, value ${show(value)}${valueProblem ? ` (${valueProblem})` : ''}`
  } else if (check.value) {
    valueProblem = `no value (${expectation(check.value)})`
    text += `, ${valueProblem}`
  }
  const ok = !rowProblem && !valueProblem
  return {ok, evidence: ok ? `${text} (${formatMs(elapsedMs)})` : text, measurements: {rows: count}}
}

/** What is wrong with `value` against the bounds ("expected at least 1"), or undefined when it is right. */
function missed(value: unknown, bounds: Bounds | undefined): string | undefined {
  if (!bounds) return undefined
  if (bounds.equals !== undefined) {
    const same = typeof bounds.equals === 'number' ? toNumber(value) === bounds.equals : String(value) === bounds.equals
    if (!same) return expectation(bounds)
  }
  if (bounds.min === undefined && bounds.max === undefined) return undefined
  const number = toNumber(value)
  if (Number.isNaN(number)) return `not a number, ${expectation(bounds)}`
  if ((bounds.min !== undefined && number < bounds.min) || (bounds.max !== undefined && number > bounds.max)) return expectation(bounds)
  return undefined
}

function expectation(bounds: Bounds): string {
  const parts: string[] = []
  if (bounds.equals !== undefined) parts.push(typeof bounds.equals === 'number' ? String(bounds.equals) : JSON.stringify(bounds.equals))
  if (bounds.min !== undefined && bounds.max !== undefined) parts.push(`between ${bounds.min} and ${bounds.max}`)
  else if (bounds.min !== undefined) parts.push(`at least ${bounds.min}`)
  else if (bounds.max !== undefined) parts.push(`at most ${bounds.max}`)
  return `expected ${parts.join(' and ')}`
}

/** Numbers as numbers: pg returns bigint (count(*)) and numeric columns as strings. */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'string' && value.trim() !== '') return Number(value)
  return Number.NaN
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (value instanceof Date) return value.toISOString()
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`
  if (typeof value === 'string') return shorten(Number.isNaN(toNumber(value)) ? JSON.stringify(value) : value)
  if (typeof value === 'object') return shorten(JSON.stringify(value))
  return String(value)
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text
}
