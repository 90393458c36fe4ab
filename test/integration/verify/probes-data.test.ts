// The data-side probes of `cicd verify` against real components: a fresh database in the test PostgreSQL
// (with a role that must give its password), private redis-servers on loopback ports (one open, one with
// requirepass, one stopped), real programs, and Debian's pytest on test/fixtures/e2e-repo with a tiny HTTP
// service standing in for the deployed platform. Everything started here is stopped and removed after.
import {randomBytes, randomInt} from 'node:crypto'
import {access, mkdir, mkdtemp, readdir, readFile, rm} from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createRedactor, resolveRefs} from '../../../src/lifecycle/redact.js'
import {commandProbe} from '../../../src/verify/probes/command.js'
import {PROBES} from '../../../src/verify/probes/index.js'
import {postgresProbe} from '../../../src/verify/probes/postgres.js'
import {redisProbe} from '../../../src/verify/probes/redis.js'
import {runCheck} from '../../../src/verify/run-check.js'
import {checkSchema, type CheckConfig, type CheckKind, type CheckOf} from '../../../src/verify/schema.js'
import type {CheckResult, ProbeContext} from '../../../src/verify/types.js'
import {REPO_ROOT} from '../../helpers/cli.js'
import {startRedis, type RedisServer} from '../../helpers/redis.js'
import {dbUrl, freePort, PG_URL, requirePostgres, sql} from '../operator/harness.js'

const suffix = randomBytes(4).toString('hex')
const dbName = `cicd_probes_${suffix}`
const role = `cicd_probe_${suffix}`
const rolePassword = `pw-${randomBytes(8).toString('hex')}`
const PYTEST = '/usr/bin/pytest'
const FIXTURE = 'test/fixtures/e2e-repo'

function check<K extends CheckKind>(input: {kind: K; name?: string} & Record<string, unknown>): CheckOf<K> {
  return checkSchema.parse({name: `${input.kind}-check`, ...input}) as CheckOf<K>
}

function context(overrides: Partial<ProbeContext> = {}): ProbeContext {
  const variables = overrides.variables ?? {CICD_ENVIRONMENT: 'staging'}
  return {
    signal: new AbortController().signal,
    environment: 'staging',
    projectRoot: REPO_ROOT,
    resolve: (value) => resolveRefs(value, {...process.env, ...variables}),
    engines: () => Promise.reject(new Error('no engines in these tests')),
    memory: new Map(),
    ...overrides,
    variables,
  }
}

/**
 * Runs a check the way `cicd verify` does: the runner resolves its `${VAR}`s with the context's resolver
 * before the probe sees it, and masks `secrets` in the result.
 */
function run(config: CheckConfig, ctx: ProbeContext, secrets: string[] = []): Promise<CheckResult> {
  return runCheck(config, {probes: PROBES, context: ctx, redact: createRedactor(secrets)})
}

/** Resolves once `condition` holds, polling; the test's own timeout bounds it. */
async function eventually(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 50))
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** The live processes running exactly `argv` (a zombie's command line is empty, so it does not count). */
async function processesRunning(argv: string[]): Promise<number[]> {
  const wanted = argv.join('\0') + '\0'
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))
  const commandLines = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')))
  return pids.filter((_, index) => commandLines[index] === wanted).map(Number)
}

/** `promise`, or a failure naming `what` once `ms` pass first: a bound far above the expected time. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms / 1000} s`)), ms)
  })
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}

const tempDirs: string[] = []
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix))
  tempDirs.push(dir)
  return dir
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, {recursive: true, force: true})))
})

describe('postgres probe', () => {
  let appUrl: string
  // Built as text: URL would percent-encode the braces of a ${VAR} reference.
  const withPassword = (password: string) => appUrl.replace('postgres://postgres@', `postgres://${role}:${password}@`)

  beforeAll(async () => {
    await requirePostgres()
    const [rule] = await sql(PG_URL, `select 1 from pg_hba_file_rules where '+cicd_password_login' = any(user_name) and auth_method = 'scram-sha-256'`)
    const [group] = await sql(PG_URL, `select 1 from pg_roles where rolname = 'cicd_password_login'`)
    if (!rule || !group) throw new Error('The test PostgreSQL has no password rule for cicd_password_login: run scripts/provision/postgres.sh (as root) again.')
    await sql(PG_URL, `create database ${dbName}`)
    await sql(PG_URL, `create role ${role} login password '${rolePassword}' in role cicd_password_login`)
    appUrl = dbUrl(dbName)
    await sql(appUrl, `create table bronze_events (id int primary key, region text not null, amount int not null)`)
    await sql(appUrl, `insert into bronze_events values (1, 'eu', 10), (2, 'us', 20), (3, 'eu', 30)`)
  })

  afterAll(async () => {
    await sql(PG_URL, `drop database if exists ${dbName} with (force)`)
    await sql(PG_URL, `drop role if exists ${role}`)
  })

  it("runs `select 1` against the environment's database when the check names none", async () => {
    const result = await postgresProbe(check({kind: 'postgres'}), context({databaseUrl: appUrl}))
    expect(result.ok).toBe(true)
    expect(result.evidence).toMatch(/^1 row, value 1 \(\d+ ms\)$/)
    expect(result.measurements).toEqual({rows: 1})
  })

  it('resolves ${VAR} in the url and checks the first value against equals', async () => {
    const ctx = context({variables: {ANALYTICS_DSN: appUrl}})
    const counted = check({kind: 'postgres', url: '${ANALYTICS_DSN}', query: 'select count(*) from bronze_events', value: {equals: 3}})
    const result = await run(counted, ctx, [appUrl])
    expect(result).toMatchObject({ok: true, measurements: {rows: 1}})
    expect(result.evidence).toMatch(/^1 row, value 3 \(/)

    const wrong = await run({...counted, value: {equals: 4}}, ctx, [appUrl])
    expect(wrong).toMatchObject({ok: false, evidence: '1 row, value 3 (expected 4)'})
  })

  it('fails on a row count outside rows.min / rows.max', async () => {
    const none = await postgresProbe(check({kind: 'postgres', url: appUrl, query: "select * from bronze_events where region = 'mars'", rows: {min: 1}}), context())
    expect(none).toEqual({ok: false, evidence: '0 rows (expected at least 1)', measurements: {rows: 0}})

    const many = await postgresProbe(check({kind: 'postgres', url: appUrl, query: 'select id from bronze_events order by id', rows: {max: 2}}), context())
    expect(many.ok).toBe(false)
    expect(many.evidence).toBe('3 rows (expected at most 2), value 1')
    expect(many.measurements).toEqual({rows: 3})

    const enough = await postgresProbe(check({kind: 'postgres', url: appUrl, query: 'select id from bronze_events', rows: {min: 1, max: 3}}), context())
    expect(enough.ok).toBe(true)
  })

  it('fails on a value outside value.min / value.max, and on a value that is no number', async () => {
    const total = check({kind: 'postgres', url: appUrl, query: 'select sum(amount) from bronze_events', value: {min: 100}})
    expect(await postgresProbe(total, context())).toMatchObject({ok: false, evidence: '1 row, value 60 (expected at least 100)'})
    expect((await postgresProbe({...total, value: {min: 50, max: 70}}, context())).ok).toBe(true)

    const region = check({kind: 'postgres', url: appUrl, query: 'select region from bronze_events order by id', value: {min: 1}})
    expect((await postgresProbe(region, context())).evidence).toBe('3 rows, value "eu" (not a number, expected at least 1)')
    expect((await postgresProbe({...region, value: {equals: 'eu'}}, context())).ok).toBe(true)
  })

  it('says which setting is missing when there is no database to query', async () => {
    const result = await postgresProbe(check({kind: 'postgres'}), context())
    expect(result.ok).toBe(false)
    expect(result.evidence).toContain('set url on the check, or environments.staging.database')
  })

  it('a server that is not running is a refused connection', async () => {
    const port = await freePort()
    const result = await postgresProbe(check({kind: 'postgres', url: `postgres://app:secret-pw@127.0.0.1:${port}/app`}), context())
    expect(result).toEqual({ok: false, evidence: `connection refused (127.0.0.1:${port})`})
  })

  it("reports the server's error for a bad query", async () => {
    const result = await postgresProbe(check({kind: 'postgres', url: appUrl, query: 'select * from no_such_table'}), context())
    expect(result).toEqual({ok: false, evidence: 'relation "no_such_table" does not exist'})
  })

  it('a refused password is named, and the password never appears', async () => {
    const right = await run(check({kind: 'postgres', url: withPassword('${PG_PASSWORD}')}), context({variables: {PG_PASSWORD: rolePassword}}), [rolePassword])
    expect(right).toMatchObject({ok: true, evidence: expect.stringMatching(/^1 row, value 1 \(/)})

    // Straight to the probe, without the runner's masking: the probe itself keeps the password out.
    const wrongPassword = `not-${rolePassword}`
    const refused = await postgresProbe(check({kind: 'postgres', url: withPassword(wrongPassword)}), context())
    expect(refused.ok).toBe(false)
    expect(refused.evidence).toBe(`password authentication failed for user "${role}"`)
    expect(JSON.stringify(refused)).not.toContain(wrongPassword)
    expect(JSON.stringify(refused)).not.toContain(rolePassword)
  })

  it('an abort cancels a hanging query on the server and closes the connection', async () => {
    const controller = new AbortController()
    const hanging = postgresProbe(check({kind: 'postgres', url: appUrl, query: 'select pg_sleep(300)'}), context({signal: controller.signal}))
    const backends = () => sql<{pid: number}>(PG_URL, `select pid from pg_stat_activity where datname = $1 and query = 'select pg_sleep(300)'`, [dbName])
    await eventually(async () => (await backends()).length === 1)

    const reason = new Error('stop')
    controller.abort(reason)
    await expect(hanging).rejects.toBe(reason)
    // Without the cancel, the backend would sleep on (and the probe would wait for it before closing).
    expect(await backends()).toEqual([])
  })
})

/** A TCP server that plays a broken Redis: `mute` accepts and never answers, `drop` closes each connection. */
async function fakeServer(behaviour: 'mute' | 'drop'): Promise<{port: number; connections: net.Socket[]; close(): Promise<void>}> {
  const connections: net.Socket[] = []
  const server = net.createServer((socket) => {
    connections.push(socket)
    socket.on('error', () => {})
    if (behaviour === 'drop') socket.destroy()
    // Read (and ignore) what the client sends, so its hang-up is seen.
    else socket.resume()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    connections,
    close: () => {
      for (const socket of connections) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

describe('redis probe', () => {
  const password = `redis-${randomBytes(8).toString('hex')}`
  let open: RedisServer
  let guarded: RedisServer

  beforeAll(async () => {
    open = await startRedis()
    guarded = await startRedis({password})
  })

  afterAll(async () => {
    await open?.stop()
    await guarded?.stop()
  })

  it('PING answers PONG', async () => {
    const result = await redisProbe(check({kind: 'redis', url: open.url}), context())
    expect(result.ok).toBe(true)
    expect(result.evidence).toMatch(/^PONG \(\d+ ms\)$/)
  })

  it('authenticates with a password from a ${VAR} reference', async () => {
    const result = await run(check({kind: 'redis', url: `redis://:\${REDIS_PASSWORD}@127.0.0.1:${guarded.port}`}), context({variables: {REDIS_PASSWORD: password}}), [password])
    expect(result).toMatchObject({ok: true, evidence: expect.stringMatching(/^PONG \(\d+ ms\)$/)})
  })

  it('a wrong password is an authentication failure that does not show the password', async () => {
    const wrong = `wrong-${password}`
    const result = await redisProbe(check({kind: 'redis', url: `redis://:${wrong}@127.0.0.1:${guarded.port}`}), context())
    expect(result.ok).toBe(false)
    expect(result.evidence).toMatch(/^authentication failed: WRONGPASS/)
    expect(JSON.stringify(result)).not.toContain(wrong)
  })

  it('no password for a server that requires one says so', async () => {
    const result = await redisProbe(check({kind: 'redis', url: guarded.url}), context())
    expect(result.ok).toBe(false)
    expect(result.evidence).toContain('authentication required')
  })

  it('a stopped server is a refused connection', async () => {
    const stopped = await startRedis()
    expect((await redisProbe(check({kind: 'redis', url: stopped.url}), context())).ok).toBe(true)
    await stopped.stop()
    expect(await redisProbe(check({kind: 'redis', url: stopped.url}), context())).toEqual({ok: false, evidence: 'connection refused'})
  })

  it('a server that drops the connection is reported after one attempt, not reconnected to', async () => {
    const dropping = await fakeServer('drop')
    try {
      const result = await redisProbe(check({kind: 'redis', url: `redis://127.0.0.1:${dropping.port}`}), context())
      expect(result.ok).toBe(false)
      expect(dropping.connections).toHaveLength(1)
    } finally {
      await dropping.close()
    }
  })

  it('an abort closes the connection to a server that never answers', async () => {
    const mute = await fakeServer('mute')
    try {
      const controller = new AbortController()
      const probing = redisProbe(check({kind: 'redis', url: `redis://127.0.0.1:${mute.port}`}), context({signal: controller.signal}))
      await eventually(async () => mute.connections.length === 1)
      const closed = new Promise<void>((resolve) => mute.connections[0].once('close', () => resolve()))
      const reason = new Error('stop')
      controller.abort(reason)
      await expect(probing).rejects.toBe(reason)
      await closed
      expect(mute.connections).toHaveLength(1)
    } finally {
      await mute.close()
    }
  })
})

describe('command probe', () => {
  const node = process.execPath

  it('passes on the expected exit code and shows how long it took', async () => {
    const result = await commandProbe(check({kind: 'command', command: [node, '-e', '0']}), context())
    expect(result.ok).toBe(true)
    expect(result.evidence).toMatch(/^exit 0 \(\d+(\.\d)? m?s\)$/)

    const three = check({kind: 'command', command: [node, '-e', 'process.exit(3)'], expectedExitCode: 3})
    expect((await commandProbe(three, context())).ok).toBe(true)
  })

  it('an unexpected exit code shows the last three lines of output', async () => {
    const script = "console.log('checking dags'); console.error('line 1\\nline 2\\nline 3\\nImportError: no module named spark'); process.exit(3)"
    const result = await commandProbe(check({kind: 'command', command: [node, '-e', script]}), context())
    expect(result).toEqual({ok: false, evidence: 'exit 3 (expected 0): line 2 | line 3 | ImportError: no module named spark'})
  })

  it("runs in cwd under the project root with the environment's variables and the check's env", async () => {
    const root = await tempDir('cicd-command-root-')
    await mkdir(path.join(root, 'jobs'))
    const dump = path.join(root, 'seen.json')
    const script = `require('fs').writeFileSync(${JSON.stringify(dump)}, JSON.stringify({cwd: process.cwd(), env: process.env}))`
    const ctx = context({projectRoot: root, variables: {CICD_ENVIRONMENT: 'staging', DATABASE_URL: 'postgres://app@db/app', SPARK_MASTER: 'local[2]'}})
    process.env.CICD_PROBE_TEST_TOKEN = 'from-the-shell'
    try {
      const result = await run(check({kind: 'command', command: [node, '-e', script], cwd: 'jobs', env: {SPARK_MASTER: 'local[1]', TOKEN: '${CICD_PROBE_TEST_TOKEN}'}}), ctx)
      expect(result.ok).toBe(true)
    } finally {
      delete process.env.CICD_PROBE_TEST_TOKEN
    }
    const seen = JSON.parse(await readFile(dump, 'utf8')) as {cwd: string; env: Record<string, string>}
    expect(seen.cwd).toBe(path.join(root, 'jobs'))
    expect(seen.env).toMatchObject({CICD_ENVIRONMENT: 'staging', DATABASE_URL: 'postgres://app@db/app', SPARK_MASTER: 'local[1]', TOKEN: 'from-the-shell', PATH: process.env.PATH})
  })

  it('a missing program or directory is named', async () => {
    const missing = await commandProbe(check({kind: 'command', command: ['cicd-no-such-airflow', 'dags', 'list-import-errors']}), context())
    expect(missing.ok).toBe(false)
    expect(missing.evidence).toMatch(/^program not found: cicd-no-such-airflow/)

    const noDir = await commandProbe(check({kind: 'command', command: [node, '-e', '0'], cwd: 'no/such/dir'}), context())
    expect(noDir.ok).toBe(false)
    expect(noDir.evidence).toMatch(/^working directory not found: no\/such\/dir/)
  })

  it('an abort kills the process', async () => {
    const dir = await tempDir('cicd-command-abort-')
    const pidFile = path.join(dir, 'pid')
    const script = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`
    const controller = new AbortController()
    const running = commandProbe(check({kind: 'command', command: [node, '-e', script]}), context({signal: controller.signal}))
    await eventually(() => access(pidFile).then(() => true, () => false))
    const pid = Number(await readFile(pidFile, 'utf8'))
    expect(pidAlive(pid)).toBe(true)

    const reason = new Error('stop')
    controller.abort(reason)
    await expect(running).rejects.toBe(reason)
    expect(pidAlive(pid)).toBe(false)
  })

  it('an abort also kills what the command started, and returns without waiting for it', async () => {
    // A duration no other process on the machine uses tells this test's grandchild apart.
    const sleeper = ['sleep', `30.${randomInt(100_000, 1_000_000)}`]
    const controller = new AbortController()
    const running = commandProbe(check({kind: 'command', command: ['bash', '-c', `${sleeper.join(' ')} & echo started; wait`]}), context({signal: controller.signal}))
    try {
      await eventually(async () => (await processesRunning(sleeper)).length === 1)
      const reason = new Error('stop')
      controller.abort(reason)
      // Killing only bash would orphan the sleep, which holds the output pipe: the probe would wait out its 30 s.
      await expect(within(10_000, 'the end of the aborted command', running)).rejects.toBe(reason)
      expect(await processesRunning(sleeper)).toEqual([])
    } finally {
      for (const pid of await processesRunning(sleeper)) process.kill(pid, 'SIGKILL')
    }
  }, 20_000)
})

describe('pytest probe', () => {
  let service: http.Server
  let serviceUrl: string
  let ownTmp: string
  const realTmp = process.env.TMPDIR

  beforeAll(async () => {
    await access(PYTEST).catch(() => {
      throw new Error(`${PYTEST} is missing: run scripts/provision/python-tools.sh (as root) first.`)
    })
    const bronze = [
      {region: 'eu', amount: 10},
      {region: 'us', amount: 20},
      {region: 'eu', amount: 30},
    ]
    const answers: Record<string, unknown> = {'/health': {status: 'ok', version: '2.3.0'}, '/layers/bronze': bronze, '/layers/gold': {eu: 40, us: 20}}
    service = http.createServer((request, response) => {
      const answer = answers[request.url ?? '']
      response.writeHead(answer === undefined ? 404 : 200, {'content-type': 'application/json'})
      response.end(JSON.stringify(answer ?? {error: 'not found'}))
    })
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve))
    serviceUrl = `http://127.0.0.1:${(service.address() as net.AddressInfo).port}`
    // The probe's JUnit files go to os.tmpdir(): a private one shows that none is left behind.
    ownTmp = await tempDir('cicd-pytest-tmp-')
    process.env.TMPDIR = ownTmp
  })

  afterAll(async () => {
    if (realTmp === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = realTmp
    await new Promise((resolve) => service?.close(resolve))
  })

  // Run through the runner: the e2e checks' ${DEPLOYED_VERSION} is resolved there.
  const e2e = (env: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
    check({kind: 'pytest', name: 'e2e-tests', suite: 'e2e', cwd: FIXTURE, path: PYTEST, env: {E2E_EXPECT_VERSION: '${DEPLOYED_VERSION}', ...env}, ...extra})
  const ctx = (variables: Record<string, string> = {}) => context({variables: {CICD_ENVIRONMENT: 'staging', SERVICE_URL: serviceUrl, DEPLOYED_VERSION: '2.3.0', ...variables}})

  it("runs the suite's marked tests against the environment's variables", async () => {
    const result = await run(e2e(), ctx())
    expect(result.ok).toBe(true)
    expect(result.evidence).toMatch(/^3 passed in \d/)
    expect(result.details).toEqual([])
    expect(await readdir(ownTmp)).toEqual([])
  })

  it('a failing e2e test is counted and named with its message', async () => {
    const result = await run(e2e(), ctx({DEPLOYED_VERSION: '2.4.0'}))
    expect(result.ok).toBe(false)
    expect(result.evidence).toMatch(/^2 passed, 1 failed in \d/)
    expect(result.details).toEqual(['tests/e2e/test_flow.py::test_deployed_version: AssertionError: the service answers version 2.3.0, the deploy rolled out 2.4.0'])
    expect(await readdir(ownTmp)).toEqual([])
  })

  it('the integration suite reaches the database named by DATABASE_URL', async () => {
    const integration = check({kind: 'pytest', cwd: FIXTURE, path: PYTEST})
    const result = await run(integration, ctx({DATABASE_URL: PG_URL}))
    expect(result.ok).toBe(true)
    expect(result.evidence).toMatch(/^2 passed in \d/)

    const closedPort = await freePort()
    const unreachable = await run(integration, ctx({DATABASE_URL: `postgres://app@127.0.0.1:${closedPort}/app`}))
    expect(unreachable.ok).toBe(false)
    expect(unreachable.details).toEqual([expect.stringMatching(/^tests\/integration\/test_services\.py::test_database_answers: ConnectionRefusedError/)])
  })

  it('a marker no test carries fails and says so', async () => {
    const result = await run(e2e({}, {marker: 'smoke'}), ctx())
    expect(result.ok).toBe(false)
    expect(result.evidence).toContain('no test selected by -m smoke')
    expect(await readdir(ownTmp)).toEqual([])
  })

  it("pytest's own refusal is the evidence, with what it printed", async () => {
    const result = await run(e2e({}, {args: ['--no-such-flag']}), ctx())
    expect(result.ok).toBe(false)
    expect(result.evidence).toBe('pytest reported a usage error (exit code 4)')
    expect(result.details).toContain('pytest: error: unrecognized arguments: --no-such-flag')
  })

  it('a missing pytest is named', async () => {
    const result = await run(e2e({}, {path: '/nonexistent/bin/pytest'}), ctx())
    expect(result.ok).toBe(false)
    expect(result.evidence).toMatch(/^program not found: \/nonexistent\/bin\/pytest/)
    expect(await readdir(ownTmp)).toEqual([])
  })
})
