// The http, tcp and error-rate probes against real components on loopback: the deploy tests' service
// (test/fixtures/http-service/server.py, run directly with Debian's python3), small Node servers where a test
// needs to see the request itself or a server that never answers, and a real Prometheus server scraping the
// service every second. Every process and directory is removed after its tests, also when they fail.
import {randomBytes} from 'node:crypto'
import {mkdtemp, rm, stat, writeFile} from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import {execa, type ResultPromise} from 'execa'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {describeProblems} from '../../../src/config/problems.js'
import {createRedactor, resolveRefs} from '../../../src/lifecycle/redact.js'
import {errorRateProbe} from '../../../src/verify/probes/error-rate.js'
import {httpProbe} from '../../../src/verify/probes/http.js'
import {PROBES} from '../../../src/verify/probes/index.js'
import {tcpProbe} from '../../../src/verify/probes/tcp.js'
import {runCheck} from '../../../src/verify/run-check.js'
import {checkSchema, type CheckConfig, type CheckKind, type CheckOf} from '../../../src/verify/schema.js'
import type {CheckResult, ProbeContext} from '../../../src/verify/types.js'
import {REPO_ROOT} from '../../helpers/cli.js'
import {freePort} from '../operator/harness.js'

const PYTHON = '/usr/bin/python3'
const PROMETHEUS = '/usr/bin/prometheus'
const SERVER = path.join(REPO_ROOT, 'test/fixtures/http-service/server.py')

type Cleanups = Array<() => Promise<unknown>>
// What a test started goes after the test; what a block's beforeAll started, after the block. Both run in
// reverse order, every one of them even when one fails.
const testCleanups: Cleanups = []
const blockCleanups: Cleanups = []
async function cleanUp(cleanups: Cleanups): Promise<void> {
  const errors: unknown[] = []
  while (cleanups.length > 0) await cleanups.pop()!().catch((error: unknown) => errors.push(error))
  if (errors.length > 0) throw errors[0]
}
afterEach(() => cleanUp(testCleanups))
afterAll(() => cleanUp(blockCleanups))

async function requireBinary(binary: string, script: string): Promise<void> {
  await stat(binary).catch(() => {
    throw new Error(`${binary} is missing: run ${script} (as root)`)
  })
}

function check<K extends CheckKind>(kind: K, fields: Record<string, unknown>): CheckOf<K> {
  return checkSchema.parse({kind, name: `${kind}-check`, ...fields}) as CheckOf<K>
}

function context(options: {variables?: Record<string, string>; signal?: AbortSignal; memory?: Map<string, unknown>} = {}): ProbeContext {
  const variables = options.variables ?? {}
  return {
    signal: options.signal ?? new AbortController().signal,
    environment: 'staging',
    projectRoot: REPO_ROOT,
    variables,
    resolve: (value) => resolveRefs(value, variables),
    engines: () => Promise.reject(new Error('the network probes use no engine')),
    memory: options.memory ?? new Map(),
  }
}

/**
 * Runs a check the way `cicd verify` does: the runner resolves its `${VAR}`s against `variables` before the
 * probe sees it, and masks `secrets` in the result.
 */
function run(config: CheckConfig, variables: Record<string, string>, secrets: string[] = []): Promise<CheckResult> {
  return runCheck(config, {probes: PROBES, context: context({variables}), redact: createRedactor(secrets)})
}

interface Service {
  port: number
  base: string
  get(pathname: string): Promise<number>
  stop(): Promise<void>
}

/** server.py on a free loopback port; `port` restarts it where an earlier instance ran (a counter reset). */
async function startService(cleanups: Cleanups, port?: number): Promise<Service> {
  await requireBinary(PYTHON, 'scripts/provision/python-tools.sh')
  const chosen = port ?? (await freePort())
  const child = execa(PYTHON, ['-u', SERVER], {env: {PORT: String(chosen), VERSION: 'v7'}, reject: false, forceKillAfterDelay: 3000})
  const base = `http://127.0.0.1:${chosen}`
  const stop = async () => {
    child.kill('SIGTERM')
    await child
  }
  cleanups.push(stop)
  // Ready when /metrics answers: the error-rate tests leave the scrapes out, so this request counts for nothing.
  await waitFor(`the service on port ${chosen}`, child, async () => (await fetch(`${base}/metrics`)).ok)
  return {
    port: chosen,
    base,
    get: async (pathname) => {
      const response = await fetch(`${base}${pathname}`)
      await response.text()
      return response.status
    },
    stop,
  }
}

/** Polls until `ready` holds; fails naming what never became ready, with the process' output. */
async function waitFor(what: string, child: ResultPromise, ready: () => Promise<boolean>): Promise<void> {
  let exited = false
  void child.finally(() => (exited = true))
  for (let tries = 0; tries < 300; tries++) {
    if (exited) break
    if (await ready().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const result = exited ? await child : undefined
  throw new Error(`${what} did not start${result ? `: ${String(result.stderr).slice(-2000)}` : ''}`)
}

/** Repeats `attempt` until `done` holds (a scrape has to happen first); fails with the last result. */
async function eventually<T>(what: string, attempt: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let last: T | undefined
  for (let tries = 0; tries < 240; tries++) {
    last = await attempt()
    if (done(last)) return last
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`${what} did not happen within a minute; last: ${JSON.stringify(last)}`)
}

/** A Node server on a free loopback port; closed after the test, its open sockets destroyed. */
async function startNodeServer(server: net.Server): Promise<number> {
  const sockets = new Set<net.Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  testCleanups.push(
    () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(resolve)
      }),
  )
  return (server.address() as net.AddressInfo).port
}

describe('the http probe', () => {
  let service: Service
  beforeAll(async () => {
    service = await startService(blockCleanups)
  })
  afterAll(() => cleanUp(blockCleanups))

  it('passes on the expected status and reports the time to the full answer', async () => {
    const result = await run(check('http', {url: '${BASE}/health'}), {BASE: service.base})
    expect(result).toMatchObject({ok: true, attempts: 1, evidence: expect.stringMatching(/^HTTP 200 in \d+ ms$/)})
    expect(result.measurements.latencyMs).toBeGreaterThanOrEqual(0)
  })

  it('passes a HEAD request, which has no body', async () => {
    const result = await httpProbe(check('http', {method: 'HEAD', url: `${service.base}/health`}), context())
    expect(result).toMatchObject({ok: true, evidence: expect.stringMatching(/^HTTP 200 in \d+ ms$/)})
  })

  it('checks a JSON field: a string, a number, a nested path and an array index', async () => {
    const version = await httpProbe(check('http', {url: `${service.base}/version`, json: {field: 'version', equals: 'v7'}}), context())
    expect(version.ok).toBe(true)
    expect(version.evidence).toMatch(/^HTTP 200 in \d+ ms, version = "v7"$/)
    const port = await httpProbe(check('http', {url: `${service.base}/version`, json: {field: 'port', equals: service.port}}), context())
    expect(port).toMatchObject({ok: true, evidence: expect.stringContaining(`port = ${service.port}`)})
    // The JSON answers below come from a Node server: server.py has no nested document.
    const nested = await startNodeServer(
      http.createServer((_, response) => response.end(JSON.stringify({checks: {db: {state: 'up'}}, workers: [{name: 'w1', alive: false}]}))),
    )
    const db = await httpProbe(check('http', {url: `http://127.0.0.1:${nested}/`, json: {field: 'checks.db.state', equals: 'up'}}), context())
    expect(db).toMatchObject({ok: true, evidence: expect.stringContaining('checks.db.state = "up"')})
    const worker = await httpProbe(check('http', {url: `http://127.0.0.1:${nested}/`, json: {field: 'workers.0.alive', equals: true}}), context())
    expect(worker).toMatchObject({ok: false, evidence: expect.stringMatching(/^workers\.0\.alive = false \(expected true\), HTTP 200 in \d+ ms$/)})
  })

  it('fails when the service is broken at run time, naming the status it got, and passes again once repaired', async () => {
    const control = (code: string) => run(check('http', {method: 'POST', url: `${service.base}/control/health`, body: '${CODE}'}), {CODE: code})
    const health = check('http', {url: `${service.base}/health`, json: {field: 'status', equals: 'ok'}})
    try {
      expect((await control('500')).ok).toBe(true)
      const broken = await httpProbe(health, context())
      expect(broken.ok).toBe(false)
      expect(broken.evidence).toMatch(/^HTTP 500 \(expected 200\) in \d+ ms$/)
      expect(broken.measurements?.latencyMs).toBeGreaterThanOrEqual(0)
      // Expecting the 500, the JSON field is what fails.
      const field = await httpProbe({...health, expectedStatus: 500}, context())
      expect(field).toMatchObject({ok: false, evidence: expect.stringMatching(/^status = "broken" \(expected "ok"\), HTTP 500 in \d+ ms$/)})
    } finally {
      await control('200')
    }
    expect(await httpProbe(health, context())).toMatchObject({ok: true, evidence: expect.stringContaining('status = "ok"')})
  })

  it('fails on a JSON field that is missing or an answer that is not JSON', async () => {
    const missing = await httpProbe(check('http', {url: `${service.base}/health`, json: {field: 'checks.db', equals: 'up'}}), context())
    expect(missing).toMatchObject({ok: false, evidence: expect.stringMatching(/^checks\.db is missing from the answer \(expected "up"\), HTTP 200/)})
    const text = await httpProbe(check('http', {url: `${service.base}/metrics`, json: {field: 'status', equals: 'ok'}}), context())
    expect(text.ok).toBe(false)
    expect(text.evidence).toMatch(/^the answer is not JSON \(text\/plain; version=0\.0\.4; charset=utf-8\), so status cannot be read \(expected "ok"\)/)
  })

  it('fails an answer slower than the latency budget, and passes one within it', async () => {
    const slow = await httpProbe(check('http', {url: `${service.base}/slow?ms=400`, latencyMs: 100}), context())
    expect(slow.ok).toBe(false)
    expect(slow.evidence).toMatch(/^HTTP 200 in \d+ ms, over the 100 ms budget$/)
    expect(slow.measurements?.latencyMs).toBeGreaterThanOrEqual(400)
    // Only the clock failed it: a watch makes that a WARNING, not an outage.
    expect(slow.thresholdCrossed).toBe(true)
    const broken = await httpProbe(check('http', {url: `${service.base}/fail`, latencyMs: 100}), context())
    expect(broken.ok).toBe(false)
    expect(broken.thresholdCrossed).toBeUndefined()
    const fast = await httpProbe(check('http', {url: `${service.base}/health`, latencyMs: 60_000}), context())
    expect(fast).toMatchObject({ok: true, evidence: expect.stringMatching(/^HTTP 200 in \d+ ms$/)})
  })

  it('sends the method, the resolved headers and body, and URL credentials as Basic authentication, and never shows a secret', async () => {
    const seen: {method?: string; headers?: http.IncomingHttpHeaders; url?: string; body?: string} = {}
    const port = await startNodeServer(
      http.createServer((request, response) => {
        let body = ''
        request.on('data', (chunk: Buffer) => (body += chunk.toString()))
        request.on('end', () => {
          Object.assign(seen, {method: request.method, headers: request.headers, url: request.url, body})
          response.statusCode = 503
          response.end('maintenance')
        })
      }),
    )
    const secrets = {PASSWORD: 'pw-' + randomBytes(6).toString('hex'), TOKEN: 'tok-' + randomBytes(6).toString('hex'), KEY: 'key-' + randomBytes(6).toString('hex')}
    // Masked the way `cicd verify` masks every referenced value; the exact evidence below shows that the
    // probe itself repeats none of them (a leaked token would read `?token=***`).
    const masked = Object.values(secrets)
    const result = await run(
      check('http', {
        method: 'PUT',
        url: `http://ops:\${PASSWORD}@127.0.0.1:${port}/orders?token=\${TOKEN}`,
        headers: {'X-Api-Key': '${KEY}'},
        body: '{"key": "${KEY}"}',
      }),
      secrets,
      masked,
    )
    expect(seen).toMatchObject({method: 'PUT', url: `/orders?token=${secrets.TOKEN}`, body: `{"key": "${secrets.KEY}"}`})
    expect(seen.headers?.['x-api-key']).toBe(secrets.KEY)
    expect(seen.headers?.authorization).toBe(`Basic ${Buffer.from(`ops:${secrets.PASSWORD}`).toString('base64')}`)
    expect(result).toMatchObject({ok: false, evidence: expect.stringMatching(/^HTTP 503 \(expected 200\) in \d+ ms$/)})

    const unresolvable = await run(check('http', {url: 'http://ops:${PASSWORD}@no-such-host.invalid/?token=${TOKEN}'}), secrets, masked)
    expect(unresolvable).toMatchObject({ok: false, evidence: expect.stringMatching(/^ENOTFOUND: the host no-such-host\.invalid does not resolve/)})
    const invalid = await run(check('http', {url: 'http://ops:${PASSWORD}@127.0.0.1:99999/x?token=${TOKEN}'}), secrets, masked)
    expect(invalid).toMatchObject({ok: false, evidence: 'the URL http://ops:***@127.0.0.1:99999/x is not a valid URL (check it and the variables it uses)'})
    for (const shown of [result, unresolvable, invalid].map((r) => JSON.stringify(r))) {
      for (const secret of Object.values(secrets)) expect(shown).not.toContain(secret)
    }
  })

  it('says that a host name does not resolve', async () => {
    const result = await httpProbe(check('http', {url: 'http://no-such-host.invalid/health'}), context())
    expect(result.ok).toBe(false)
    expect(result.evidence).toMatch(/^ENOTFOUND: the host no-such-host\.invalid does not resolve/)
    expect(result.measurements).toBeUndefined()
  })

  it('says that nothing listens on a refused port', async () => {
    const port = await freePort() // free, so closed
    const result = await httpProbe(check('http', {url: `http://127.0.0.1:${port}/health`}), context())
    expect(result).toEqual({ok: false, evidence: `connection refused: nothing listens on 127.0.0.1:${port}`})
  })

  it('explains a URL fetch refuses: another scheme, a blocked port', async () => {
    expect(await httpProbe(check('http', {url: 'ftp://127.0.0.1/health'}), context())).toEqual({ok: false, evidence: 'the URL does not start with http:// or https://'})
    const blocked = await httpProbe(check('http', {url: 'http://127.0.0.1:6000/health'}), context())
    expect(blocked).toMatchObject({ok: false, evidence: expect.stringMatching(/^fetch refuses the port of the URL/)})
  })

  it('gives up when the signal aborts, and closes its connection to a server that never answers', async () => {
    let accept!: (socket: net.Socket) => void
    const accepted = new Promise<net.Socket>((resolve) => (accept = resolve))
    const port = await startNodeServer(net.createServer((socket) => accept(socket)))
    const controller = new AbortController()
    const running = httpProbe(check('http', {url: `http://127.0.0.1:${port}/health`}), context({signal: controller.signal}))
    const socket = await accepted
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    controller.abort()
    expect(await running).toEqual({ok: false, evidence: 'no answer before the check was stopped'})
    await closed // the server sees the probe hang up
  })
})

describe('the tcp probe', () => {
  it('finds an open port, with the host from a variable', async () => {
    const port = await startNodeServer(net.createServer((socket) => socket.end()))
    const result = await run(check('tcp', {host: '${DB_HOST}', port}), {DB_HOST: '127.0.0.1'})
    expect(result.ok).toBe(true)
    expect(result.evidence).toMatch(new RegExp(`^port ${port} open on 127\\.0\\.0\\.1 \\(\\d+ ms\\)$`))
  })

  it('fails on a refused port', async () => {
    const port = await freePort() // free, so closed
    expect(await tcpProbe(check('tcp', {port}), context())).toEqual({ok: false, evidence: `connection refused: nothing listens on 127.0.0.1:${port}`})
  })

  it('fails on a host that does not resolve', async () => {
    const result = await tcpProbe(check('tcp', {host: 'no-such-host.invalid', port: 5432}), context())
    expect(result.ok).toBe(false)
    expect(result.evidence).toMatch(/^ENOTFOUND: the host no-such-host\.invalid does not resolve/)
  })

  it('does not connect once the signal has aborted', async () => {
    const port = await startNodeServer(net.createServer((socket) => socket.end()))
    const controller = new AbortController()
    controller.abort()
    expect(await tcpProbe(check('tcp', {port}), context({signal: controller.signal}))).toEqual({ok: false, evidence: `no connection to 127.0.0.1:${port} before the check was stopped`})
  })
})

describe('the error-rate probe on a metrics endpoint', () => {
  // The scrapes themselves are requests too: leave them out, as a real configuration would.
  const metrics = (base: string) => ({url: `${base}/metrics`, total: 'http_requests_total{path!="/metrics"}', errors: 'http_requests_total{code=~"5..",path!="/metrics"}'})
  const traffic = async (service: Service, health: number, failures: number) => {
    for (let i = 0; i < health; i++) expect(await service.get('/health')).toBe(200)
    for (let i = 0; i < failures; i++) expect(await service.get('/fail')).toBe(500)
  }

  it('judges the requests since the previous run of a watch, and the traffic since a restart', async () => {
    let service = await startService(testCleanups)
    const errorRate = check('error-rate', {name: 'api-errors', metrics: metrics(service.base)})
    const watch = new Map<string, unknown>()

    // No traffic yet: the family is announced, with no sample.
    expect(await errorRateProbe(errorRate, context({memory: watch}))).toEqual({ok: true, evidence: 'error rate 0.0% (0 of 0 requests) within 5.0%', measurements: {errorRate: 0}})

    await traffic(service, 35, 5)
    expect(await errorRateProbe(errorRate, context({memory: watch}))).toEqual({
      ok: false,
      thresholdCrossed: true,
      evidence: 'error rate 12.5% (5 of 40 requests since the previous check) above 5.0%',
      measurements: {errorRate: 0.125},
    })
    // A run without memory judges the counters since the service started; a higher threshold lets it pass.
    expect(await errorRateProbe({...errorRate, threshold: 0.2}, context())).toEqual({ok: true, evidence: 'error rate 12.5% (5 of 40 requests) within 20.0%', measurements: {errorRate: 0.125}})

    // The spike is over: no request since the previous run.
    expect(await errorRateProbe(errorRate, context({memory: watch}))).toEqual({ok: true, evidence: 'error rate 0.0% (0 of 0 requests since the previous check) within 5.0%', measurements: {errorRate: 0}})
    await traffic(service, 10, 0)
    expect(await errorRateProbe(errorRate, context({memory: watch}))).toMatchObject({ok: true, evidence: 'error rate 0.0% (0 of 10 requests since the previous check) within 5.0%'})
    // Another check keeps its own memory.
    expect(await errorRateProbe({...errorRate, name: 'other'}, context({memory: watch}))).toMatchObject({evidence: 'error rate 10.0% (5 of 50 requests) above 5.0%'})

    // A restart resets the counters: the new counts are the traffic since.
    await service.stop()
    service = await startService(testCleanups, service.port)
    await traffic(service, 2, 2)
    expect(await errorRateProbe(errorRate, context({memory: watch}))).toEqual({
      ok: false,
      thresholdCrossed: true,
      evidence: 'error rate 50.0% (2 of 4 requests since the service restarted) above 5.0%',
      measurements: {errorRate: 0.5},
    })
  })

  it('fails on a metric the endpoint does not have, an endpoint that is not one, and one that does not answer', async () => {
    const service = await startService(testCleanups)
    const wrongName = check('error-rate', {metrics: {...metrics(service.base), total: 'http_request_total'}})
    expect(await errorRateProbe(wrongName, context())).toEqual({ok: false, evidence: 'no metric http_request_total at the metrics endpoint: check the total selector "http_request_total"'})
    const json = check('error-rate', {metrics: {...metrics(service.base), url: `${service.base}/health`}})
    expect(await errorRateProbe(json, context())).toMatchObject({ok: false, evidence: expect.stringMatching(/^the metrics endpoint's answer is not in the Prometheus text format: line 1: expected a metric name/)})
    const missing = check('error-rate', {metrics: {...metrics(service.base), url: `${service.base}/nope`}})
    expect(await errorRateProbe(missing, context())).toEqual({ok: false, evidence: 'the metrics endpoint answered HTTP 404 (expected 200)'})
    const port = await freePort() // free, so closed
    const refused = check('error-rate', {metrics: {...metrics(`http://127.0.0.1:${port}`)}})
    expect(await errorRateProbe(refused, context())).toEqual({ok: false, evidence: `the metrics endpoint did not answer: connection refused: nothing listens on 127.0.0.1:${port}`})
  })

  it('rejects a selector that is not one when the configuration loads, naming the field and the problem', () => {
    const parsed = checkSchema.safeParse({
      kind: 'error-rate',
      name: 'api-errors',
      metrics: {url: 'http://127.0.0.1:9/metrics', total: 'http_requests_total', errors: 'rate(http_requests_total{code=~"5.."}[5m])'},
    })
    expect(parsed.success).toBe(false)
    expect(describeProblems(parsed.error!.issues, checkSchema)).toEqual([
      'metrics.errors: not a metric selector: unexpected "(http_requests_total{code=~"5.."}[5m])" at column 5 (a selector is name{label="value", ...})',
    ])
  })

  it('names a selector that a variable breaks, which only the run can see', async () => {
    // Valid as written (the reference sits inside a label value); the resolved quote ends the value early.
    const job = check('error-rate', {name: 'api-errors', metrics: {url: 'http://127.0.0.1:9/metrics', total: 'http_requests_total{job="${JOB}"}', errors: 'http_requests_total{code=~"5.."}'}})
    const result = await run(job, {JOB: 'api"v2'})
    expect(result).toMatchObject({
      ok: false,
      evidence: 'The error-rate check "api-errors" has a bad metrics.total selector "http_requests_total{job="api"v2"}": expected "," or "}" at column 30.',
    })
  })
})

describe('the error-rate probe on a Prometheus server', () => {
  const RATIO = 'sum(rate(http_requests_total{code=~"5.."}[30s])) / sum(rate(http_requests_total[30s]))'
  let service: Service
  let prometheusUrl: string

  beforeAll(async () => {
    await requireBinary(PROMETHEUS, 'scripts/provision/prometheus.sh')
    service = await startService(blockCleanups)
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-verify-prometheus-'))
    const port = await freePort()
    prometheusUrl = `http://127.0.0.1:${port}`
    await writeFile(
      path.join(dir, 'prometheus.yml'),
      [
        'global: {scrape_interval: 1s, evaluation_interval: 1s}',
        'scrape_configs:',
        '  - job_name: service',
        `    static_configs: [{targets: ['127.0.0.1:${service.port}']}]`,
      ].join('\n'),
    )
    const server = execa(PROMETHEUS, [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
      reject: false,
      forceKillAfterDelay: 5000,
    })
    // Reverse order: Prometheus stops before its directory goes and before the service it scrapes.
    blockCleanups.push(() => rm(dir, {recursive: true, force: true}))
    blockCleanups.push(async () => {
      server.kill('SIGTERM')
      await server
    })
    await waitFor('Prometheus', server, async () => (await fetch(`${prometheusUrl}/-/ready`)).ok)
    // A failure before the scrapes start makes the error series exist at 1, so rate() sees the later spike.
    expect(await service.get('/fail')).toBe(500)
    await eventually('the first scrape', () => query('http_requests_total{code="500"}'), (result) => result.length > 0)
  })
  afterAll(() => cleanUp(blockCleanups))

  async function query(promql: string): Promise<unknown[]> {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`)
    return ((await response.json()) as {data: {result: unknown[]}}).data.result
  }

  const ratioCheck = (query_: string, url = prometheusUrl) => check('error-rate', {prometheus: {url, query: query_}})

  it('passes while the service answers, and fails on an error spike, with the ratio Prometheus computed', async () => {
    // The scrapes themselves keep the denominator growing; the one early failure is not an increase.
    const calm = await eventually('a ratio from two scrapes', () => errorRateProbe(ratioCheck(RATIO, `${prometheusUrl}/`), context()), (result) => result.ok)
    expect(calm).toEqual({ok: true, evidence: 'error rate 0.0% within 5.0%', measurements: {errorRate: 0}})

    for (let i = 0; i < 30; i++) expect(await service.get('/fail')).toBe(500)
    const spike = await eventually('the spike in the ratio', () => errorRateProbe(ratioCheck(RATIO), context()), (result) => !result.ok)
    expect(spike.evidence).toMatch(/^error rate \d+\.\d% above 5\.0%$/)
    expect(spike.measurements?.errorRate).toBeGreaterThan(0.05)
  })

  it('reads a scalar answer', async () => {
    expect(await errorRateProbe(ratioCheck('scalar(vector(0.25))'), context())).toEqual({ok: false, thresholdCrossed: true, evidence: 'error rate 25.0% above 5.0%', measurements: {errorRate: 0.25}})
  })

  it('fails on a query without a sample, on NaN, on a query Prometheus rejects, and when Prometheus does not answer', async () => {
    expect(await errorRateProbe(ratioCheck('sum(rate(no_such_metric_total[30s]))'), context())).toEqual({
      ok: false,
      evidence: 'the query returned no sample: no matching series (a wrong metric or label name?) or no traffic in its range',
    })
    expect(await errorRateProbe(ratioCheck('vector(0) / vector(0)'), context())).toEqual({
      ok: false,
      evidence: 'the query returned NaN: a division by zero, so no requests in its range (or the query is wrong)',
    })
    const rejected = await errorRateProbe(ratioCheck('sum(rate(http_requests_total[30s])'), context())
    expect(rejected).toMatchObject({ok: false, evidence: expect.stringMatching(/^Prometheus rejected the query \(bad_data\): .*parse error/)})
    const notPrometheus = await errorRateProbe(ratioCheck(RATIO, service.base), context())
    expect(notPrometheus).toEqual({ok: false, evidence: `Prometheus answered HTTP 404 without a query result: is ${service.base} a Prometheus server?`})
    const port = await freePort() // free, so closed
    expect(await errorRateProbe(ratioCheck(RATIO, `http://127.0.0.1:${port}`), context())).toEqual({
      ok: false,
      evidence: `Prometheus did not answer: connection refused: nothing listens on 127.0.0.1:${port}`,
    })
  })
})
