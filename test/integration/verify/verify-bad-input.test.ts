// Every bad input of `cicd verify` through the CLI: a clear message, the documented exit code, no stack
// trace, and no secret. Real components: PostgreSQL refusing a password, a server that accepts and never
// answers, a host name that does not resolve.
import {randomBytes} from 'node:crypto'
import net from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli, type CliResult} from '../../helpers/cli.js'
import {createTempRepo, type TempRepo} from '../../helpers/repo.js'
import {PG_URL, requirePostgres, sql} from '../operator/harness.js'

describe('cicd verify: bad input', () => {
  let repo: TempRepo
  let mute: net.Server
  let mutePort: number
  const held: net.Socket[] = []
  const role = `verify_${randomBytes(4).toString('hex')}`
  const rightPassword = `right-${randomBytes(6).toString('hex')}`
  const wrongPassword = `wrong-${randomBytes(6).toString('hex')}`

  async function verify(environments: Record<string, unknown>, args: string[] = []): Promise<CliResult> {
    await repo.write('.cicdrc.json', JSON.stringify({environments}))
    const result = await runCli(['verify', '--cwd', repo.dir, ...args], {env: {WRONG_DB_PASSWORD: wrongPassword}})
    expect(result.stderr).not.toMatch(/^\s+at /m)
    return result
  }

  beforeAll(async () => {
    await requirePostgres()
    await sql(PG_URL, `create role ${role} login password '${rightPassword}' in role cicd_password_login`)
    repo = await createTempRepo({prefix: 'cicd-verify-bad-'})
    // Accepts connections and never answers: a check against it can only end by its timeout.
    mute = net.createServer((socket) => {
      held.push(socket.on('error', () => {}))
    })
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve))
    mutePort = (mute.address() as net.AddressInfo).port
  })

  afterAll(async () => {
    await repo?.remove()
    for (const socket of held) socket.destroy()
    await new Promise((resolve) => mute?.close(resolve))
    await sql(PG_URL, `drop role if exists ${role}`)
  })

  it('a check of an unknown kind: exit 2, the kinds there are, and the nearest', async () => {
    const result = await verify({staging: {checks: [{name: 'cache', kind: 'rediss', url: 'redis://127.0.0.1:6379'}]}}, ['--env', 'staging'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('environments.staging.checks[0].kind: expected one of "http", "postgres", "redis", "tcp", "command", "docker", "error-rate", "pytest", got "rediss"; did you mean "redis"?')
  })

  it('an environment without checks: exit 2 with an example to copy', async () => {
    const result = await verify({staging: {}}, ['--env', 'staging'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('The environment staging has no checks configured')
    expect(result.stderr).toContain('"kind": "http"')
  })

  it('the e2e suite on production without --force: exit 2, and how to run it anyway', async () => {
    const result = await verify({production: {checks: [{name: 'flow', kind: 'pytest', suite: 'e2e'}]}}, ['--env', 'production', '--suite', 'e2e'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('The e2e suite is not run on production without --force')
    expect(result.stderr).toContain('cicd verify --env production --suite e2e --force')
  })

  it('a reference nobody set, an unknown environment, a bad --watch, --interval alone: exit 2 each', async () => {
    const unset = await verify({staging: {checks: [{name: 'api', kind: 'http', url: '${NOT_SET_ANYWHERE}/health'}]}}, ['--env', 'staging'])
    expect(unset.exitCode).toBe(2)
    expect(unset.stderr).toContain('The check api of staging refers to ${NOT_SET_ANYWHERE}, which is not set')
    const unknown = await verify({staging: {checks: [{name: 'p', kind: 'tcp', port: 1}]}}, ['--env', 'prod'])
    expect(unknown.exitCode).toBe(2)
    expect(unknown.stderr).toContain('Configured environments: staging')
    const watch = await verify({staging: {checks: [{name: 'p', kind: 'tcp', port: 1}]}}, ['--env', 'staging', '--watch', 'forever'])
    expect(watch.exitCode).toBe(2)
    expect(watch.stderr).toContain('--watch "forever" is not a duration.')
    const interval = await verify({staging: {checks: [{name: 'p', kind: 'tcp', port: 1}]}}, ['--env', 'staging', '--interval', '5s'])
    expect(interval.exitCode).toBe(2)
    expect(interval.stderr).toContain('--interval only applies to a watch')
  })

  it('a URL that does not resolve, a database refusing the password, a check that hangs: exit 1, each with its evidence, no password', {timeout: 60_000}, async () => {
    const database = new URL(PG_URL)
    const result = await verify(
      {
        staging: {
          checks: [
            {name: 'api', kind: 'http', url: 'http://no-such-host.invalid/health'},
            {name: 'warehouse', kind: 'postgres', url: `postgres://${role}:\${WRONG_DB_PASSWORD}@${database.host}/postgres`},
            {name: 'literal', kind: 'postgres', url: `postgres://${role}:${wrongPassword}x@${database.host}/postgres`},
            {name: 'stuck', kind: 'http', url: `http://127.0.0.1:${mutePort}/health`, timeoutMs: 500, retries: 1, retryDelayMs: 10},
          ],
        },
      },
      ['--env', 'staging', '--json'],
    )
    expect(result.exitCode).toBe(1)
    const report = JSON.parse(result.stdout) as {checks: {name: string; ok: boolean; evidence: string; attempts: number}[]}
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]))
    expect(byName.api.evidence).toMatch(/the host no-such-host\.invalid does not resolve/)
    expect(byName.warehouse.evidence).toBe(`password authentication failed for user "${role}"`)
    expect(byName.literal.evidence).toBe(`password authentication failed for user "${role}"`)
    expect(byName.stuck).toMatchObject({ok: false, attempts: 2, evidence: 'no result within 500 ms (timeout)'})
    expect(result.stdout + result.stderr).not.toContain(wrongPassword)
  })
})
