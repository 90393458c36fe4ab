// The `http` check: one request (method, URL, headers, body with `${VAR}`s resolved), then the status, an
// optional JSON field and an optional latency budget. Evidence leads with what is wrong ("HTTP 500 (expected
// 200) in 8 ms") and never repeats the URL, whose query or password may hold a secret.
import {request, type TimedAnswer} from '../../adapters/http.js'
import {redactUrl} from '../../lifecycle/redact.js'
import type {CheckOf} from '../schema.js'
import type {Probe} from '../types.js'
import {describeConnectionFailure} from './tcp.js'

export const httpProbe: Probe<'http'> = async (check, ctx) => {
  const {url, headers, body} = check
  const answer = await request(url, {method: check.method, headers, body, signal: ctx.signal})
  if (answer.latencyMs === undefined) return {ok: false, evidence: ctx.signal.aborted ? 'no answer before the check was stopped' : describeNoAnswer(answer.error, url)}
  const latencyMs = answer.latencyMs
  const measurements = {latencyMs}
  if (answer.status !== check.expectedStatus) {
    return {ok: false, evidence: `HTTP ${answer.status} (expected ${check.expectedStatus}) in ${latencyMs} ms`, measurements}
  }
  const timing = `HTTP ${answer.status} in ${latencyMs} ms`
  const slow = check.latencyMs !== undefined && latencyMs > check.latencyMs ? `, over the ${check.latencyMs} ms budget` : ''
  const field = check.json ? readField(answer, check.json) : undefined
  const ok = !slow && (field?.ok ?? true)
  const evidence = field === undefined ? `${timing}${slow}` : field.ok ? `${timing}${slow}, ${field.text}` : `${field.text}, ${timing}${slow}`
  // Only the clock failed it when the status and the field are right.
  const onlySlow = Boolean(slow) && (field?.ok ?? true)
  return {ok, evidence, measurements, ...(onlySlow ? {thresholdCrossed: true} : {})}
}

type JsonExpectation = NonNullable<CheckOf<'http'>['json']>

/** The JSON field's value against the expectation, as `status = "degraded" (expected "ok")`. */
function readField(answer: TimedAnswer, expectation: JsonExpectation): {ok: boolean; text: string} {
  const expected = JSON.stringify(expectation.equals)
  let document: unknown
  try {
    document = JSON.parse(answer.body)
  } catch {
    const type = answer.headers['content-type'] ?? 'no content type'
    return {ok: false, text: `the answer is not JSON (${type}), so ${expectation.field} cannot be read (expected ${expected})`}
  }
  const found = fieldAt(document, expectation.field)
  if (!found.present) return {ok: false, text: `${expectation.field} is missing from the answer (expected ${expected})`}
  const shown = show(found.value)
  if (found.value !== expectation.equals) return {ok: false, text: `${expectation.field} = ${shown} (expected ${expected})`}
  return {ok: true, text: `${expectation.field} = ${shown}`}
}

/** `checks.db.state` or `items.0.name`: each segment an object key or an array index. */
function fieldAt(document: unknown, path: string): {present: boolean; value?: unknown} {
  let current = document
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return {present: false}
    current = (current as Record<string, unknown>)[segment]
  }
  return {present: true, value: current}
}

function show(value: unknown): string {
  const text = JSON.stringify(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/** Why a request got no answer (the request adapter's error), without the URL's query or password. */
export function describeNoAnswer(error: string | undefined, url: string): string {
  if (error === 'ERR_INVALID_URL') return `the URL ${redactUrl(url.replace(/[?#].*$/, ''))} is not a valid URL (check it and the variables it uses)`
  if (error === 'unknown scheme') return 'the URL does not start with http:// or https://'
  if (error === 'bad port') return `fetch refuses the port of the URL (a port browsers block, e.g. 1, 25 or 6000): serve the check on another port`
  const {hostname, host} = new URL(url)
  return describeConnectionFailure(error ?? 'unknown error', hostname, host)
}
