// Staging end to end through the CLI: a first deploy, a rolling update under load with no failed request,
// then `cicd rollback`: the old version serves again, the database equals its backup, the release is
// marked rolled-back, an incident is recorded, and CRITICAL then INFO notifications arrived.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createWorld, operatorCli, requestLoop, sql, type World} from './harness.js'

describe('staging: rolling deploy and rollback', () => {
  let world: World
  const cli = (...args: string[]) => operatorCli(args, {cwd: world.repo.dir, env: world.env})

  beforeAll(async () => {
    world = await createWorld({environment: 'staging', branch: 'develop', instances: 2})
  })
  afterAll(async () => {
    await world?.dispose()
  })

  it('deploys v1, rolls v2 out under load without a failed request, and rolls back to v1 with the data of the backup', {timeout: 400_000}, async () => {
    const dry = await cli('deploy', '--env', 'staging', '--version', 'v1', '--dry-run')
    expect(dry.exitCode, dry.stderr).toBe(0)
    expect(dry.stdout).toContain('Deploy of v1 to staging (rolling, 2 instance(s)')
    expect(dry.stdout).toContain('Dry run: nothing was changed.')

    const first = await cli('deploy', '--env', 'staging', '--version', 'v1', '--yes')
    expect(first.exitCode, first.stderr).toBe(0)
    expect(JSON.parse((await world.get('/')).body).version).toBe('v1')

    const load = requestLoop(world)
    const second = await cli('deploy', '--env', 'staging', '--version', 'v2', '--yes')
    const traffic = await load.stop()
    expect(second.exitCode, second.stderr).toBe(0)
    expect(traffic.failed).toEqual([])
    expect(traffic.total).toBeGreaterThan(20)
    expect(traffic.versions).toEqual(new Set(['v1', 'v2']))
    expect(JSON.parse((await world.get('/')).body).version).toBe('v2')

    // v2 "damages" the data after its deploy: the rollback must bring back the backup taken before v2.
    const before = await sql(world.appUrl, `select md5(string_agg(t::text, ',' order by id)) as sum, count(*)::int as n from items t`)
    await sql(world.appUrl, `delete from items where id % 3 = 0`)
    await sql(world.appUrl, `update items set price = 0 where id < 50`)
    // … and creates a table of its own, which the database of v1 did not have.
    await sql(world.appUrl, `create table v2_audit (id int primary key, note text)`)
    await sql(world.appUrl, `insert into v2_audit values (1, 'written by v2')`)

    const rollback = await cli('rollback', '--env', 'staging', '--yes')
    expect(rollback.exitCode, rollback.stderr).toBe(0)
    expect(rollback.stdout).toMatch(/Rolled back staging to release #1 \(v1\)/)
    for (const step of ['alert-and-lock', 'stop-current', 'restore-database', 'deploy-previous', 'verify', 'finish', 'total']) expect(rollback.stdout).toContain(step)
    expect(rollback.stdout).toContain('To undo: cicd deploy --env staging --version v2')
    expect(JSON.parse((await world.get('/')).body).version).toBe('v1')

    const after = await sql(world.appUrl, `select md5(string_agg(t::text, ',' order by id)) as sum, count(*)::int as n from items t`)
    expect(after).toEqual(before)
    expect(await sql(world.appUrl, `select to_regclass('public.v2_audit') as t`)).toEqual([{t: null}])
    const [restore] = await sql<{detail: {dropped: string[]}}>(world.stateUrl, `select detail from cicd.journal where step = 'restore-database' and event = 'finished'`)
    expect(restore.detail.dropped).toEqual(['public.v2_audit'])

    const releases = await sql<{id: string; status: string}>(world.stateUrl, 'select id, status from cicd.releases order by id')
    expect(releases.map((r) => r.status)).toEqual(['verified', 'rolled-back'])
    const incidents = await sql<{status: string; timings: Record<string, number>}>(world.stateUrl, 'select status, timings from cicd.incidents')
    expect(incidents).toHaveLength(1)
    expect(incidents[0].status).toBe('closed')
    expect(Object.keys(incidents[0].timings)).toContain('restore-database')
    const backups = await sql<{kind: string; verified: boolean}>(world.stateUrl, 'select kind, verified from cicd.backups order by id')
    expect(backups.map((b) => b.kind)).toEqual(['pre-deploy', 'pre-deploy', 'safety'])

    const slack = world.sinks.received.filter((r) => r.channel === 'slack').map((r) => String(r.body.text))
    const critical = slack.findIndex((text) => text.includes('[CRITICAL] staging: Rollback started'))
    const info = slack.findIndex((text) => text.includes('[INFO] staging: Rollback finished'))
    expect(critical).toBeGreaterThanOrEqual(0)
    expect(info).toBeGreaterThan(critical)
    const pagerduty = world.sinks.received.filter((r) => r.channel === 'pagerduty').map((r) => r.body)
    expect(pagerduty.map((p) => p.event_action)).toEqual(['trigger', 'resolve'])
    expect(world.sinks.mails.some((m) => m.subject.includes('[cicd CRITICAL] staging: Rollback started: v2 -> v1'))).toBe(true)

    // Secrets never reach output or records.
    const records = JSON.stringify(await sql(world.stateUrl, `select (select json_agg(r) from cicd.releases r) as r, (select json_agg(j) from cicd.journal j) as j, (select json_agg(a) from cicd.audit a) as a`))
    for (const secret of [world.env.TEST_APP_SECRET, world.env.TEST_PD_KEY, 's3cr3t-slack-token']) {
      expect(records).not.toContain(secret)
      expect(first.stdout + first.stderr + second.stderr + rollback.stdout + rollback.stderr).not.toContain(secret)
    }
  })
})
