// The real components an operator test runs against, each private to the test and removed after it: two
// fresh PostgreSQL databases (state and application), an nginx on a loopback port in front of the service,
// HTTP sinks standing in for Slack, PagerDuty and a webhook, an SMTP listener, and a git repository whose
// configuration describes the environments. Missing services fail the test; nothing skips.
import {execa} from 'execa'
import {randomBytes} from 'node:crypto'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import pg from 'pg'
import {SMTPServer} from 'smtp-server'

import {REPO_ROOT, startCli, type CliOptions, type CliResult} from '../../helpers/cli.js'
import {createTempRepo, type TempRepo} from '../../helpers/repo.js'
import {testDockerHost} from '../../helpers/docker.js'
import {freePort} from '../../helpers/ports.js'

export {freePort}

/**
 * The CLI as users run it (bin/run.js). CICD_TEST_CLI may name another build of the same sources, so a
 * concurrent `npm run build` emptying dist/ cannot break a long run.
 */
export function cliProcess(args: string[], options: CliOptions): ReturnType<typeof startCli> {
  const cli = process.env.CICD_TEST_CLI
  if (!cli) return startCli(args, options)
  return execa('node', [cli, ...args], {cwd: options.cwd, env: {NO_COLOR: '1', CI: 'true', ...options.env}, stdin: 'ignore', reject: false, timeout: options.timeoutMs ?? 240_000}) as ReturnType<typeof startCli>
}

export async function operatorCli(args: string[], options: CliOptions): Promise<CliResult> {
  const result = await cliProcess(args, options)
  return {exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr)}
}

export const PG_URL = process.env.CICD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:55432/postgres'
export const SERVICE_IMAGE = 'cicd-test/http-service'

/**
 * A base port with `count` free ports after it, and again at +100 (the second slot). Below the kernel's
 * ephemeral range (32768 and up): the instances bind their ports on the host network, possibly minutes
 * after this probe, and an outgoing connection (nginx to an upstream, a test's client, PostgreSQL) holding
 * the same port as its local end by then would make that bind fail.
 */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000)
    const ports = [...Array(count).keys()].flatMap((i) => [base + i, base + 100 + i])
    const free = await Promise.all(ports.map((port) => new Promise<boolean>((resolve) => {
      const server = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
    })))
    if (free.every(Boolean)) return base
  }
  throw new Error('no free port range')
}

export async function requirePostgres(): Promise<void> {
  const client = new pg.Client({connectionString: PG_URL, connectionTimeoutMillis: 3000})
  try {
    await client.connect()
  } catch (error) {
    throw new Error(`No PostgreSQL answers at ${PG_URL} (${(error as Error).message}): run scripts/provision/postgres.sh (as root) first.`)
  } finally {
    await client.end().catch(() => {})
  }
}

export function dbUrl(name: string): string {
  const url = new URL(PG_URL)
  url.pathname = `/${name}`
  return url.toString()
}

export async function sql<T extends Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    return (await client.query(text, params)).rows as T[]
  } finally {
    await client.end()
  }
}

/**
 * The service images, built from the current sources: build.sh compares the hash label of each image with
 * the sources' hash and rebuilds only what is missing or older (a fraction of a second when all are current),
 * so images left by an older server.py never pass for the current ones.
 */
export async function requireServiceImages(): Promise<void> {
  const env = {...process.env, DOCKER_HOST: testDockerHost()}
  const build = await execa('bash', [path.join(REPO_ROOT, 'test/fixtures/http-service/build.sh')], {env, reject: false})
  if (build.exitCode !== 0) throw new Error(`building the service images failed: ${build.stderr}`)
}

export interface Nginx {
  port: number
  upstreamFile: string
  reloadCommand: string[]
  stop(): Promise<void>
}

export async function startNginx(dir: string): Promise<Nginx> {
  const port = await freePort()
  const conf = path.join(dir, 'nginx.conf')
  const upstreamFile = path.join(dir, 'upstream.conf')
  await writeFile(upstreamFile, 'upstream app {\n    server 127.0.0.1:9 down;\n}\n')
  await writeFile(
    conf,
    `user root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  include ${upstreamFile};
  # A reload retires the old workers, which close their idle keep-alive connections; a client racing that close
  # sees a reset no matter how the upstreams changed (and Node's fetch does not retry it). One request per
  # connection keeps the test about what the switch itself does to requests.
  keepalive_timeout 0;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout 1s;
      proxy_next_upstream error timeout http_502 http_503;
    }
  }
}
`,
  )
  const base = ['-p', dir, '-c', conf]
  await execa('nginx', [...base, '-t'])
  await execa('nginx', base)
  return {
    port,
    upstreamFile,
    reloadCommand: ['nginx', ...base, '-s', 'reload'],
    stop: async () => {
      await execa('nginx', [...base, '-s', 'stop'], {reject: false})
    },
  }
}

export interface Received {
  channel: string
  body: Record<string, unknown>
}

export interface Sinks {
  url: string
  smtpPort: number
  received: Received[]
  mails: {subject: string; text: string}[]
  stop(): Promise<void>
}

/** One HTTP server answering for Slack (/slack/…), PagerDuty (/pagerduty) and a webhook (/hook), plus SMTP. */
export async function startSinks(): Promise<Sinks> {
  const received: Received[] = []
  const mails: {subject: string; text: string}[] = []
  const server = http.createServer((req, res) => {
    let data = ''
    req.on('data', (chunk) => (data += chunk))
    req.on('end', () => {
      const channel = (req.url ?? '').split('/')[1]
      received.push({channel, body: JSON.parse(data || '{}')})
      res.writeHead(channel === 'pagerduty' ? 202 : 200, {'content-type': 'application/json'})
      res.end(channel === 'pagerduty' ? '{"status":"success"}' : 'ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const smtpPort = await freePort()
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      let raw = ''
      stream.on('data', (chunk) => (raw += chunk))
      stream.on('end', () => {
        const subject = /^Subject: (.*)$/m.exec(raw)?.[1] ?? ''
        mails.push({subject, text: raw})
        done()
      })
    },
  })
  await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    smtpPort,
    received,
    mails,
    stop: async () => {
      await new Promise((resolve) => server.close(resolve))
      await new Promise((resolve) => smtp.close(() => resolve(undefined)))
    },
  }
}

export interface World {
  repo: TempRepo
  dir: string
  nginx: Nginx
  sinks: Sinks
  stateUrl: string
  appUrl: string
  basePort: number
  environment: string
  /** Environment variables for the CLI (secrets referenced by the configuration, the test engine). */
  env: Record<string, string>
  /** GET through nginx. */
  get(pathname?: string): Promise<{status: number; body: string}>
  dispose(): Promise<void>
}

export interface WorldOptions {
  environment: 'staging' | 'production'
  branch: string
  instances?: number
  lockTtlSeconds?: number
  /** How long a starting instance may take to answer its health check (generous: vfs is slow under load). */
  readyTimeoutMs?: number
  extra?: Record<string, unknown>
}

export async function createWorld(options: WorldOptions): Promise<World> {
  await requirePostgres()
  await requireServiceImages()
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-op-'))
  const id = randomBytes(4).toString('hex')
  const stateDb = `cicd_state_${id}`
  const appDb = `cicd_app_${id}`
  await sql(PG_URL, `create database ${stateDb}`)
  await sql(PG_URL, `create database ${appDb}`)
  const stateUrl = dbUrl(stateDb)
  const appUrl = dbUrl(appDb)
  await sql(appUrl, `create table items (id serial primary key, name text not null, price numeric not null)`)
  await sql(appUrl, `insert into items (name, price) select 'item ' || g, g * 1.5 from generate_series(1, 200) g`)
  const nginx = await startNginx(dir)
  const sinks = await startSinks()
  const basePort = await freePortRange(options.instances ?? 3)
  const environment = options.environment
  const repo = await createTempRepo({prefix: 'cicd-op-repo-'})
  const config = {
    environments: {
      [environment]: {
        instances: options.instances ?? 3,
        engines: [{url: testDockerHost()}],
        services: {
          web: {
            image: SERVICE_IMAGE,
            port: basePort,
            env: {APP_SECRET: '${TEST_APP_SECRET}'},
            healthCheck: {path: '/health', successes: 2, intervalMs: 100, timeoutMs: 1000, readyTimeoutMs: options.readyTimeoutMs ?? 60_000},
            stopTimeoutSeconds: 3,
            drainMs: 300,
          },
        },
        database: {url: '${TEST_APP_DB}', backupDir: path.join(dir, 'backups')},
        loadBalancer: {upstreamFile: nginx.upstreamFile, upstreamName: 'app', reloadCommand: nginx.reloadCommand, url: `http://127.0.0.1:${nginx.port}`},
        stateDatabase: {url: '${TEST_STATE_DB}'},
        lock: {ttlSeconds: options.lockTtlSeconds ?? 5},
        backup: {required: true},
        approval: {approvers: ['alice']},
        checks: [{name: 'version', kind: 'http', url: `http://127.0.0.1:${nginx.port}/version`, retries: 2, retryDelayMs: 200}],
        notifications: {
          routes: [
            {channel: 'slack', webhookUrl: '${TEST_SLACK_URL}'},
            {channel: 'pagerduty', routingKey: '${TEST_PD_KEY}', url: `${sinks.url}/pagerduty`, minLevel: 'CRITICAL'},
            {channel: 'webhook', url: `${sinks.url}/hook`, minLevel: 'WARNING'},
            {channel: 'email', host: '127.0.0.1', port: sinks.smtpPort, from: 'cicd@example.invalid', to: ['oncall@example.invalid'], minLevel: 'CRITICAL'},
          ],
        },
        ...options.extra,
      },
    },
  }
  await repo.write('.cicdrc.json', JSON.stringify(config, null, 2))
  await repo.commitAll('config')
  if (options.branch !== 'main') await repo.git('checkout', '-q', '-b', options.branch)
  const env = {
    DOCKER_HOST: testDockerHost(),
    TEST_APP_DB: appUrl,
    TEST_STATE_DB: stateUrl,
    TEST_SLACK_URL: `${sinks.url}/slack/T000/B000/s3cr3t-slack-token`,
    TEST_PD_KEY: 'pd-routing-key-0123456789',
    TEST_APP_SECRET: 'app-secret-value-42',
    CICD_ACTOR: 'tester',
  }
  return {
    repo,
    dir,
    nginx,
    sinks,
    stateUrl,
    appUrl,
    basePort,
    environment,
    env,
    async get(pathname = '/') {
      try {
        const response = await fetch(`http://127.0.0.1:${nginx.port}${pathname}`, {signal: AbortSignal.timeout(3000)})
        return {status: response.status, body: await response.text()}
      } catch (error) {
        return {status: 0, body: String(error)}
      }
    },
    async dispose() {
      await removeContainers(stateUrl)
      await nginx.stop()
      await sinks.stop()
      await sql(PG_URL, `drop database if exists ${stateDb} with (force)`).catch(() => {})
      await sql(PG_URL, `drop database if exists ${appDb} with (force)`).catch(() => {})
      await repo.remove()
      await rm(dir, {recursive: true, force: true})
    },
  }
}

/**
 * Removes every container of the installation this state database names. A CLI killed while creating a
 * container leaves the engine finishing that creation afterwards (seconds, with vfs), so this waits until three
 * listings in a row come back empty.
 */
export async function removeContainers(stateUrl: string): Promise<void> {
  const rows = await sql<{value: string}>(stateUrl, `select value from cicd.meta where key = 'namespace'`).catch(() => [])
  if (!rows[0]) return
  const env = {...process.env, DOCKER_HOST: testDockerHost()}
  let emptyInARow = 0
  for (let round = 0; round < 30 && emptyInARow < 3; round++) {
    const ids = (await execa('docker', ['ps', '-aq', '--filter', `label=cicd.namespace=${rows[0].value}`], {env, reject: false})).stdout.split('\n').filter(Boolean)
    emptyInARow = ids.length === 0 ? emptyInARow + 1 : 0
    if (ids.length > 0) await execa('docker', ['rm', '-f', ...ids], {env, reject: false})
    if (emptyInARow < 3) await new Promise((resolve) => setTimeout(resolve, 1500))
  }
}

/** Hits the service through nginx as fast as it answers until stopped; counts what failed. */
export function requestLoop(world: World): {stop(): Promise<{total: number; failed: {status: number; body: string}[]; versions: Set<string>}>} {
  let running = true
  const failed: {status: number; body: string}[] = []
  const versions = new Set<string>()
  let total = 0
  const loop = (async () => {
    while (running) {
      const answer = await world.get('/')
      total++
      if (answer.status !== 200) failed.push(answer)
      else versions.add((JSON.parse(answer.body) as {version: string}).version)
    }
  })()
  return {
    async stop() {
      running = false
      await loop
      return {total, failed, versions}
    },
  }
}
