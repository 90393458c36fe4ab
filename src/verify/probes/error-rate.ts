// The `error-rate` check: the share of failed requests, either as an instant PromQL query answered by a
// Prometheus server, or computed from a service's own metrics endpoint (errors / total of the selected
// counters). On an endpoint, a watch judges the traffic since its previous run, not since the service
// started: the previous sums are kept in the watch's memory.
import {request} from '../../adapters/http.js'
import {UsageError} from '../../errors.js'
import {parseExposition, parseSelector, PrometheusSyntaxError, sumSelected, type Selector} from '../prometheus-text.js'
import type {CheckOf} from '../schema.js'
import type {Probe, ProbeContext, ProbeResult} from '../types.js'
import {describeNoAnswer} from './http.js'

type ErrorRateCheck = CheckOf<'error-rate'>

export const errorRateProbe: Probe<'error-rate'> = async (check, ctx) => {
  // The schema guarantees exactly one of the two sources.
  return check.prometheus ? queryPrometheus(check, check.prometheus, ctx) : scrapeMetrics(check, check.metrics!, ctx)
}

async function queryPrometheus(check: ErrorRateCheck, prometheus: {url: string; query: string}, ctx: ProbeContext): Promise<ProbeResult> {
  const base = prometheus.url.replace(/\/+$/, '')
  const url = `${base}/api/v1/query?query=${encodeURIComponent(prometheus.query)}`
  const answer = await request(url, {signal: ctx.signal})
  if (answer.status === 0) return {ok: false, evidence: ctx.signal.aborted ? 'Prometheus did not answer before the check was stopped' : unreachable('Prometheus', answer.error, base)}
  const document = parseJson(answer.body) as PrometheusAnswer | undefined
  if (document?.status === 'error') return {ok: false, evidence: `Prometheus rejected the query (${document.errorType ?? 'error'}): ${document.error ?? 'no reason given'}`}
  if (answer.status !== 200 || document?.status !== 'success') {
    return {ok: false, evidence: `Prometheus answered HTTP ${answer.status} without a query result: is ${prometheus.url} a Prometheus server?`}
  }
  const value = firstValue(document.data)
  if (value === undefined) {
    return {ok: false, evidence: 'the query returned no sample: no matching series (a wrong metric or label name?) or no traffic in its range'}
  }
  const ratio = Number(value)
  if (Number.isNaN(ratio)) return {ok: false, evidence: 'the query returned NaN: a division by zero, so no requests in its range (or the query is wrong)'}
  return judge(check, ratio, '')
}

interface PrometheusAnswer {
  status?: 'success' | 'error'
  errorType?: string
  error?: string
  data?: {resultType?: string; result?: unknown}
}

/** An instant vector's first sample, or a scalar: the value as Prometheus writes it ("0.05", "NaN", "+Inf"). */
function firstValue(data: PrometheusAnswer['data']): string | undefined {
  if (data?.resultType === 'scalar') return (data.result as [number, string] | undefined)?.[1]
  if (data?.resultType === 'vector') return (data.result as {value?: [number, string]}[] | undefined)?.[0]?.value?.[1]
  return undefined
}

interface Sums {
  total: number
  errors: number
}

async function scrapeMetrics(check: ErrorRateCheck, metrics: {url: string; total: string; errors: string}, ctx: ProbeContext): Promise<ProbeResult> {
  const total = selector(check, 'total', metrics.total)
  const errors = selector(check, 'errors', metrics.errors)
  const url = metrics.url
  // Ask for the classic text format: some clients answer OpenMetrics or protobuf to a bare request.
  const answer = await request(url, {headers: {accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1'}, signal: ctx.signal})
  if (answer.status === 0) return {ok: false, evidence: ctx.signal.aborted ? 'the metrics endpoint did not answer before the check was stopped' : unreachable('the metrics endpoint', answer.error, url)}
  if (answer.status !== 200) return {ok: false, evidence: `the metrics endpoint answered HTTP ${answer.status} (expected 200)`}
  let exposition
  try {
    exposition = parseExposition(answer.body)
  } catch (error) {
    if (!(error instanceof PrometheusSyntaxError)) throw error
    return {ok: false, evidence: `the metrics endpoint's answer is not in the Prometheus text format: ${error.message}`}
  }
  const counted = sumSelected(exposition.samples, total)
  if (counted.count === 0 && total.name !== undefined && !exposition.families.has(total.name)) {
    return {ok: false, evidence: `no metric ${total.name} at the metrics endpoint: check the total selector "${metrics.total}"`}
  }
  const current: Sums = {total: counted.sum, errors: sumSelected(exposition.samples, errors).sum}
  const key = `error-rate:${check.name}:previous-sums`
  const previous = ctx.memory.get(key) as Sums | undefined
  ctx.memory.set(key, current)
  // Counters only grow; when one went down the service restarted, and its counters are the traffic since.
  const restarted = previous !== undefined && (current.total < previous.total || current.errors < previous.errors)
  const window = previous === undefined || restarted ? current : {total: current.total - previous.total, errors: current.errors - previous.errors}
  const since = previous === undefined ? '' : restarted ? ' since the service restarted' : ' since the previous check'
  const ratio = window.total > 0 ? window.errors / window.total : 0
  return judge(check, ratio, ` (${count(window.errors)} of ${count(window.total)} requests${since})`)
}

function selector(check: ErrorRateCheck, field: 'total' | 'errors', text: string): Selector {
  try {
    return parseSelector(text)
  } catch (error) {
    if (!(error instanceof PrometheusSyntaxError)) throw error
    throw new UsageError(`The error-rate check "${check.name}" has a bad metrics.${field} selector "${text}": ${error.message}.`, [
      'Write a PromQL series selector, e.g. http_requests_total{code=~"5.."}.',
    ])
  }
}

function judge(check: ErrorRateCheck, ratio: number, counts: string): ProbeResult {
  const ok = ratio <= check.threshold
  return {ok, evidence: `error rate ${percent(ratio)}${counts} ${ok ? 'within' : 'above'} ${percent(check.threshold)}`, measurements: {errorRate: ratio}, ...(ok ? {} : {thresholdCrossed: true})}
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`
}

/** Counters are floats in the format; print whole ones as integers. */
function count(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2)
}

function unreachable(what: string, error: string | undefined, url: string): string {
  return `${what} did not answer: ${describeNoAnswer(error, url)}`
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
