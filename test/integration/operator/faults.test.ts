// The lock and the faults, through the CLI: a feature branch never deploys; bad input and unreachable
// dependencies stop before anything changes; two deploys at once (one exits 5 naming the holder); a holder
// killed with -9 whose lease expires so the next deploy proceeds and repairs; a rollback killed between
// steps that --resume finishes; the manual lock commands; and Ctrl-C in the middle of a deploy.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {cliProcess, createWorld, operatorCli, sql, type World} from './harness.js'

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('staging: lock, interruptions and bad input', () => {
  let world: World
  const cli = (args: string[], env: Record<string, string> = {}) => operatorCli(args, {cwd: world.repo.dir, env: {...world.env, ...env}})
  const version = async () => JSON.parse((await world.get('/')).body).version as string
  const count = async (table: string) => (await sql<{n: number}>(world.stateUrl, `select count(*)::int as n from cicd.${table}`))[0].n

  beforeAll(async () => {
    world = await createWorld({environment: 'staging', branch: 'develop', instances: 2, lockTtlSeconds: 3})
  })
  afterAll(async () => {
    await world?.dispose()
  })

  it('refuses bad input and unreachable dependencies before anything changes', {timeout: 240_000}, async () => {
    await world.repo.git('checkout', '-q', '-b', 'feature/new-pair')
    const feature = await cli(['deploy', '--env', 'staging', '--version', 'v1', '--yes'])
    await world.repo.git('checkout', '-q', 'develop')
    expect(feature.exitCode).toBe(2)
    expect(feature.stderr).toMatch(/The branch feature\/new-pair may not deploy to staging: policy rule "feature\/\*" never deploys/)

    const unknown = await cli(['deploy', '--env', 'qa', '--version', 'v1', '--yes'])
    expect(unknown.exitCode).toBe(2)
    expect(unknown.stderr).toContain('Unknown environment "qa"')
    expect(unknown.stderr).toContain('Configured environments: staging')

    const noTty = await cli(['deploy', '--env', 'staging', '--version', 'v1'])
    expect(noTty.exitCode).toBe(2)
    expect(noTty.stderr).toContain('Pass --yes')

    const missingImage = await cli(['deploy', '--env', 'staging', '--version', 'v9', '--yes'])
    expect(missingImage.exitCode).toBe(3)
    expect(missingImage.stderr).toContain('Image missing: cicd-test/http-service:v9')

    const dbDown = await cli(['deploy', '--env', 'staging', '--version', 'v1', '--yes'], {TEST_APP_DB: 'postgres://postgres:hunter2-secret@127.0.0.1:1/app'})
    expect(dbDown.exitCode).toBe(3)
    expect(dbDown.stderr).toContain('application database of staging at postgres://postgres:***@127.0.0.1:1/app is unreachable')
    expect(dbDown.stderr).not.toContain('hunter2-secret')

    const config = await world.repo.read('.cicdrc.json')
    await world.repo.write('.cicdrc.json', config.replace(/unix:\/\/\/run\/[^"]+/, 'unix:///run/cicd-no-such-engine.sock'))
    const engineDown = await cli(['deploy', '--env', 'staging', '--version', 'v1', '--yes'])
    await world.repo.write('.cicdrc.json', config)
    expect(engineDown.exitCode).toBe(3)
    expect(engineDown.stderr).toContain('The Docker engine unix:///run/cicd-no-such-engine.sock is unreachable')

    const stateDown = await cli(['releases', '--env', 'staging'], {TEST_STATE_DB: 'postgres://postgres@127.0.0.1:1/state'})
    expect(stateDown.exitCode).toBe(3)
    expect(stateDown.stderr).toContain('state database of staging')

    expect(await count('releases')).toBe(0)
    expect(await count('locks')).toBe(0)
  })

  it('lets one deploy run while another exits 5, recovers from a kill -9 by lease expiry, and resumes a killed rollback', {timeout: 400_000}, async () => {
    const first = await cli(['deploy', '--env', 'staging', '--version', 'v1', '--yes'])
    expect(first.exitCode, first.stderr).toBe(0)

    // A holder that dies with -9 in the middle of its rollout.
    const victim = cliProcess(['deploy', '--env', 'staging', '--version', 'v2', '--yes'], {cwd: world.repo.dir, env: world.env})
    await until(async () => {
      if (victim.exitCode !== null) throw new Error(`the deploy to kill ended by itself (exit ${victim.exitCode}): ${String((await victim).stderr)}`)
      return (await sql(world.stateUrl, `select 1 from cicd.journal where step = 'roll-out' and event = 'started'`)).length > 1 ? true : undefined
    }, 120_000, 'the second roll-out to start')
    const busy = await cli(['deploy', '--env', 'staging', '--version', 'v2', '--yes'])
    expect(busy.exitCode).toBe(5)
    expect(busy.stderr).toMatch(/staging is locked by tester@\S+ \(pid \d+, deploy: "deploy v2"\) since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/)
    victim.kill('SIGKILL')
    await victim

    const next = await cli(['deploy', '--env', 'staging', '--version', 'v2', '--yes', '--wait', '--wait-timeout', '60'])
    expect(next.exitCode, next.stderr).toBe(0)
    expect(next.stderr).toContain('repaired: deploy run #2 was interrupted: marked failed')
    expect(await version()).toBe('v2')
    const audit = await sql<{action: string}>(world.stateUrl, `select action from cicd.audit order by id`)
    expect(audit.map((a) => a.action)).toContain('lock.takeover')

    // A rollback killed right after it restored the database.
    const rollback = cliProcess(['rollback', '--env', 'staging', '--yes'], {cwd: world.repo.dir, env: world.env})
    await until(async () => ((await sql(world.stateUrl, `select 1 from cicd.journal where step = 'restore-database' and event = 'finished'`)).length ? true : undefined), 60_000, 'the restore to finish')
    rollback.kill('SIGKILL')
    await rollback
    const refused = await cli(['rollback', '--env', 'staging', '--yes'])
    expect(refused.exitCode).toBe(2)
    expect(refused.stderr).toContain('--resume')
    const resumed = await cli(['rollback', '--env', 'staging', '--resume', '--yes', '--wait', '--wait-timeout', '60'])
    expect(resumed.exitCode, resumed.stderr).toBe(0)
    expect(resumed.stderr).toContain('restore-database: done before the interruption, skipped')
    expect(await version()).toBe('v1')
    const runs = await sql<{status: string; resumed: number}>(world.stateUrl, `select status, resumed from cicd.runs where operation = 'rollback'`)
    expect(runs).toEqual([{status: 'succeeded', resumed: 1}])
    expect(await count('backups')).toBe(4)
  })

  it('takes, shows and releases the lock by hand, and deploys wait behind it', {timeout: 240_000}, async () => {
    const acquired = await cli(['lock', 'acquire', '--env', 'staging', '--reason', 'database maintenance'])
    expect(acquired.exitCode, acquired.stderr).toBe(0)
    const status = await cli(['lock', 'status', '--env', 'staging'])
    expect(status.stdout, status.stderr).toMatch(/staging: locked by tester@\S+ \(pid \d+, manual: "database maintenance"\)/)
    const blocked = await cli(['deploy', '--env', 'staging', '--version', 'v2', '--yes'])
    expect(blocked.exitCode).toBe(5)
    const notMine = await cli(['lock', 'release', '--env', 'staging'], {CICD_ACTOR: 'mallory'})
    expect(notMine.exitCode).toBe(5)
    const forced = await cli(['lock', 'release', '--env', 'staging', '--force'], {CICD_ACTOR: 'mallory'})
    expect(forced.exitCode).toBe(2)
    const released = await cli(['lock', 'release', '--env', 'staging'])
    expect(released.exitCode, released.stderr).toBe(0)
    expect((await cli(['lock', 'status', '--env', 'staging'])).stdout).toContain('staging: free')
    const actions = (await sql<{action: string}>(world.stateUrl, `select action from cicd.audit order by id`)).map((a) => a.action)
    expect(actions.slice(-2)).toEqual(['lock.acquire', 'lock.release'])
  })

  it('puts everything back when a deploy is interrupted with Ctrl-C in the middle of its roll-out', {timeout: 240_000}, async () => {
    const rollOuts = async () => (await sql(world.stateUrl, `select 1 from cicd.journal where step = 'roll-out' and event = 'started'`)).length
    const before = await rollOuts()
    const deploy = cliProcess(['deploy', '--env', 'staging', '--version', 'v2', '--yes'], {cwd: world.repo.dir, env: world.env})
    await until(async () => {
      if (deploy.exitCode !== null) throw new Error(`the deploy ended by itself (exit ${deploy.exitCode}): ${String((await deploy).stderr)}`)
      return (await rollOuts()) > before ? true : undefined
    }, 120_000, 'the roll-out to start')
    deploy.kill('SIGINT')
    const interrupted = await deploy
    expect(interrupted.exitCode, String(interrupted.stderr)).toBe(130)
    expect(String(interrupted.stderr)).toContain('Interrupted')
    expect(await version()).toBe('v1')
    const status = await cli(['status', '--env', 'staging'])
    expect(status.exitCode, status.stdout).toBe(0)
    expect(status.stdout).toContain('lock: free')
    const [latest] = await sql<{status: string}>(world.stateUrl, `select status from cicd.releases order by id desc limit 1`)
    expect(latest.status).toBe('failed')
  })
})
