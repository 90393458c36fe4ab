// The verify core without the outside world: check selection by suite, the runner's timeouts, retries and
// redaction, and the configuration's validation of checks. The probes here are stand-ins for one attempt;
// every real probe is tested against its real server in test/integration/verify.
import {describe, expect, it} from 'vitest'

import {environmentsSchema, type EnvironmentConfig} from '../../../src/config/environments-schema.js'
import {describeProblems} from '../../../src/config/problems.js'
import {configSchema} from '../../../src/config/schema.js'
import {createRedactor} from '../../../src/lifecycle/redact.js'
import {parseDuration} from '../../../src/lifecycle/duration.js'
import {environmentSecrets} from '../../../src/deploy/context.js'
import {runCheck} from '../../../src/verify/run-check.js'
import {reportLines, runSuite} from '../../../src/verify/run-suite.js'
import {checkSchema, type CheckConfig} from '../../../src/verify/schema.js'
import {postDeployChecks, selectChecks} from '../../../src/verify/select.js'
import type {ProbeContext, ProbeResult, ProbeTable} from '../../../src/verify/types.js'
import {environmentVariables, referenceResolver, requireReferences} from '../../../src/verify/variables.js'

function environment(name: string, extra: Record<string, unknown>): EnvironmentConfig {
  return environmentsSchema.parse({[name]: extra})[name]
}

const checks = [
  {name: 'api', kind: 'http', url: 'http://127.0.0.1:1/health'},
  {name: 'db', kind: 'postgres'},
  {name: 'flow', kind: 'pytest', suite: 'e2e'},
]

describe('selectChecks', () => {
  it('runs the integration suite by default and refuses e2e on production without --force', () => {
    const production = environment('production', {checks})
    expect(selectChecks(production, 'integration', {force: false}).checks.map((c) => c.name)).toEqual(['api', 'db'])
    expect(() => selectChecks(production, 'e2e', {force: false})).toThrow(expect.objectContaining({exitCode: 2, message: expect.stringContaining('without --force')}))
    expect(selectChecks(production, 'e2e', {force: true}).checks.map((c) => c.name)).toEqual(['flow'])
  })

  it('--suite all on production leaves e2e out and says so; on staging it runs both', () => {
    const all = selectChecks(environment('production', {checks}), 'all', {force: false})
    expect(all.checks.map((c) => c.name)).toEqual(['api', 'db'])
    expect(all.notes).toEqual(['the e2e suite is not run on production without --force'])
    expect(selectChecks(environment('staging', {checks}), 'all', {force: false}).checks).toHaveLength(3)
  })

  it('explains an environment without checks with an example to copy', () => {
    const error = (() => {
      try {
        selectChecks(environment('staging', {}), 'integration', {force: false})
      } catch (e) {
        return e as {exitCode: number; message: string; nextSteps: string[]}
      }
    })()
    expect(error?.exitCode).toBe(2)
    expect(error?.message).toContain('has no checks configured')
    expect(error?.nextSteps[0]).toContain('"kind": "http"')
  })

  it('after a deploy: integration everywhere, e2e where it runs (staging, or verify.e2e)', () => {
    expect(postDeployChecks(environment('staging', {checks})).map((c) => c.name)).toEqual(['api', 'db', 'flow'])
    expect(postDeployChecks(environment('production', {checks})).map((c) => c.name)).toEqual(['api', 'db'])
    expect(postDeployChecks(environment('qa', {checks, verify: {e2e: true}})).map((c) => c.name)).toEqual(['api', 'db', 'flow'])
  })
})

describe('the checks in the configuration', () => {
  const problemsOf = (checks: unknown[]) => {
    const result = configSchema.safeParse({environments: {staging: {checks}}}, {reportInput: true})
    return result.success ? [] : describeProblems(result.error.issues, configSchema)
  }

  it('names an unknown kind, the valid ones, and the nearest', () => {
    expect(problemsOf([{name: 'cache', kind: 'memcached'}])).toEqual([
      'environments.staging.checks[0].kind: expected one of "http", "postgres", "redis", "tcp", "command", "docker", "error-rate", "pytest", got "memcached"',
    ])
    expect(problemsOf([{name: 'api', kind: 'htp', url: 'http://x'}])[0]).toMatch(/got "htp"; did you mean "http"\?$/)
  })

  it("suggests the key a misspelt one meant, among the keys of the check's own kind", () => {
    expect(problemsOf([{name: 'api', kind: 'http', urll: 'http://x'}])).toEqual([
      'environments.staging.checks[0].url: expected a string, got nothing',
      'environments.staging.checks[0].urll: unknown key; did you mean "url"?',
    ])
  })

  it('refuses two checks with one name', () => {
    const result = environmentsSchema.safeParse({staging: {checks: [{name: 'a', kind: 'tcp', port: 1}, {name: 'a', kind: 'tcp', port: 2}]}})
    expect(result.success).toBe(false)
    expect(JSON.stringify(result.error!.issues)).toContain('used twice')
  })

  it('fills the defaults: integration suite, 10 s timeout, no retry, 5% error rate', () => {
    const check = checkSchema.parse({name: 'errors', kind: 'error-rate', metrics: {url: 'http://x/metrics', total: 'a', errors: 'b'}})
    expect(check).toMatchObject({suite: 'integration', timeoutMs: 10_000, retries: 0, threshold: 0.05})
  })
})

const baseContext = (): Omit<ProbeContext, 'signal'> => ({
  environment: 'staging',
  projectRoot: '/tmp',
  variables: {},
  resolve: (v) => v,
  engines: async () => ({engines: []}),
  memory: new Map(),
})

function table(probe: (check: CheckConfig, ctx: ProbeContext) => Promise<ProbeResult>): ProbeTable {
  return new Proxy({}, {get: () => probe}) as ProbeTable
}

const tcp = (extra: Record<string, unknown> = {}) => checkSchema.parse({name: 'port', kind: 'tcp', port: 1, ...extra})

describe('runCheck', () => {
  it('retries a failing check and reports the attempts it took', async () => {
    let calls = 0
    const probes = table(async () => (++calls < 3 ? {ok: false, evidence: 'connection refused'} : {ok: true, evidence: 'open'}))
    const result = await runCheck(tcp({retries: 3, retryDelayMs: 1}), {probes, context: baseContext(), redact: (t) => t})
    expect(result).toMatchObject({ok: true, attempts: 3, evidence: 'open'})
    const failing = await runCheck(tcp({retries: 1, retryDelayMs: 1}), {probes: table(async () => ({ok: false, evidence: 'refused'})), context: baseContext(), redact: (t) => t})
    expect(failing).toMatchObject({ok: false, attempts: 2, evidence: 'refused'})
  })

  it('ends a hanging attempt at its timeout and aborts its signal', async () => {
    let aborted = false
    const probes = table((_, ctx) => new Promise(() => ctx.signal.addEventListener('abort', () => (aborted = true))))
    const result = await runCheck(tcp({timeoutMs: 50}), {probes, context: baseContext(), redact: (t) => t})
    expect(result).toMatchObject({ok: false, timedOut: true, evidence: 'no result within 50 ms (timeout)'})
    expect(aborted).toBe(true)
  })

  it('turns a thrown error into evidence, redacted like everything it says', async () => {
    const probes = table(async () => {
      throw new Error('could not log in to postgres://app:hunter22@db/app with hunter22')
    })
    const result = await runCheck(tcp(), {probes, context: baseContext(), redact: createRedactor(['hunter22'])})
    expect(result.ok).toBe(false)
    expect(result.evidence).not.toContain('hunter22')
    expect(result.evidence).toContain('could not log in')
  })

  it("measures every attempt from the previous run's memory, and keeps the last attempt's", async () => {
    const seen: unknown[] = []
    let calls = 0
    const probes = table(async (_, ctx) => {
      seen.push(ctx.memory.get('counters'))
      ctx.memory.set('counters', ++calls)
      return {ok: calls === 3, evidence: `attempt ${calls}`}
    })
    const context = baseContext()
    context.memory.set('counters', 'previous round')
    await runCheck(tcp({retries: 2, retryDelayMs: 1}), {probes, context, redact: (t) => t})
    expect(seen).toEqual(['previous round', 'previous round', 'previous round'])
    expect(context.memory.get('counters')).toBe(3)
  })

  it('keeps what concurrent checks wrote: each commits only its own changes', async () => {
    const context = baseContext()
    context.memory.set('fast', 0)
    context.memory.set('slow', 0)
    const probes = table(async (check, ctx) => {
      if (check.name === 'slow') await new Promise((resolve) => setTimeout(resolve, 30))
      ctx.memory.set(check.name, 1)
      return {ok: true, evidence: 'done'}
    })
    await Promise.all(['slow', 'fast'].map((name) => runCheck(checkSchema.parse({name, kind: 'tcp', port: 1}), {probes, context, redact: (t) => t})))
    expect(Object.fromEntries(context.memory)).toEqual({fast: 1, slow: 1})
  })

  it('starts no retry once the run is interrupted', async () => {
    const controller = new AbortController()
    let calls = 0
    const probes = table(async () => {
      calls++
      controller.abort()
      return {ok: false, evidence: 'refused'}
    })
    const result = await runCheck(tcp({retries: 5, retryDelayMs: 10_000}), {probes, context: baseContext(), redact: (t) => t, signal: controller.signal})
    expect(calls).toBe(1)
    expect(result.attempts).toBe(1)
  })
})

describe('runSuite and its report', () => {
  it('runs every check concurrently and fails when one fails, naming it with its evidence', async () => {
    const running: string[] = []
    let maxConcurrent = 0
    const probes = table(async (check) => {
      running.push(check.name)
      maxConcurrent = Math.max(maxConcurrent, running.length)
      await new Promise((resolve) => setTimeout(resolve, 20))
      running.splice(running.indexOf(check.name), 1)
      return check.name === 'db' ? {ok: false, evidence: '0 rows (expected at least 1)', details: ['select count(*) from gold.totals']} : {ok: true, evidence: 'fine'}
    })
    const parsed = checks.map((c) => checkSchema.parse(c))
    const report = await runSuite(parsed, {probes, context: baseContext(), redact: (t) => t, environment: 'staging', suites: ['integration', 'e2e'], mode: 'silent'})
    expect(maxConcurrent).toBe(3)
    expect(report.ok).toBe(false)
    const lines = reportLines(report)
    expect(lines[0]).toMatch(/^Verify staging \(integration \+ e2e\): 2 of 3 checks passed in .*; FAILED: db$/)
    expect(lines.find((l) => l.includes('FAIL db'))).toContain('0 rows (expected at least 1)')
    expect(lines).toContain('         select count(*) from gold.totals')
  })
})

describe('variables and secrets', () => {
  const staging = environment('staging', {
    database: {url: 'postgres://app:${APP_DB_PASSWORD}@127.0.0.1:5432/app', backupDir: '/tmp/b'},
    variables: {SERVICE_URL: 'http://127.0.0.1:8080', API_TOKEN: '${TOKEN}'},
    checks: [
      {name: 'cache', kind: 'redis', url: 'redis://:s3cret-redis@127.0.0.1:6379'},
      {name: 'api', kind: 'http', url: '${SERVICE_URL}/health', headers: {authorization: 'Bearer ${API_TOKEN}'}},
      {name: 'lag', kind: 'command', command: ['check-lag'], env: {KEY: '${MISSING_ONE}'}},
    ],
  })
  const hostEnv = {APP_DB_PASSWORD: 'db-pass-123', TOKEN: 'tok-abcdef'}

  it('exports the environment, the database and the variables, references resolved', () => {
    expect(environmentVariables(staging, hostEnv)).toEqual({
      CICD_ENVIRONMENT: 'staging',
      DATABASE_URL: 'postgres://app:db-pass-123@127.0.0.1:5432/app',
      SERVICE_URL: 'http://127.0.0.1:8080',
      API_TOKEN: 'tok-abcdef',
    })
    const resolve = referenceResolver(environmentVariables(staging, hostEnv), hostEnv)
    expect(resolve('${SERVICE_URL}/health')).toBe('http://127.0.0.1:8080/health')
  })

  it('masks passwords in check URLs and every referenced value', () => {
    const redact = createRedactor(environmentSecrets(staging, hostEnv))
    const text = redact('redis s3cret-redis, db db-pass-123, token tok-abcdef, url http://127.0.0.1:8080')
    expect(text).toBe('redis ***, db ***, token ***, url http://127.0.0.1:8080')
  })

  it('names a reference nobody set before any check runs', () => {
    const resolve = referenceResolver(environmentVariables(staging, hostEnv), hostEnv)
    expect(() => requireReferences(staging, staging.checks, resolve)).toThrow(expect.objectContaining({exitCode: 2, message: expect.stringContaining('The check lag of staging refers to ${MISSING_ONE}')}))
  })
})

describe('parseDuration', () => {
  it('reads a number and a unit and refuses anything else, naming the flag', () => {
    expect(parseDuration('30m', '--watch')).toBe(1_800_000)
    expect(parseDuration('90s', '--watch')).toBe(90_000)
    expect(() => parseDuration('30', '--watch')).toThrow(expect.objectContaining({exitCode: 2, message: '--watch "30" is not a duration.'}))
    expect(() => parseDuration('2d', '--watch', ['s', 'm', 'h'])).toThrow(/not a duration/)
  })
})
