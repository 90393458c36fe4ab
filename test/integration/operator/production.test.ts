// Production end to end through the CLI: approval required, blue-green switches with no failed request and
// blue kept idle, and a broken release (v3, whose health check answers 500) rolled back automatically
// with exit 4 while v2 keeps serving. Then status, releases and cleanup on what is left.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createWorld, operatorCli, requestLoop, sql, type World} from './harness.js'

describe('production: blue-green', () => {
  let world: World
  const cli = (...args: string[]) => operatorCli(args, {cwd: world.repo.dir, env: world.env})
  const version = async () => JSON.parse((await world.get('/')).body).version as string

  beforeAll(async () => {
    // v3 answers 500 for as long as it is given: a readiness limit below the default keeps the test shorter,
    // and still leaves a healthy release room to start on a loaded machine (15 s did not, once, in CI).
    world = await createWorld({environment: 'production', branch: 'main', instances: 1, readyTimeoutMs: 45_000})
  })
  afterAll(async () => {
    await world?.dispose()
  })

  it('needs an approval, switches blue to green without a failed request, and rolls a broken release back by itself', {timeout: 400_000}, async () => {
    const unapproved = await cli('deploy', '--env', 'production', '--version', 'v1', '--yes')
    expect(unapproved.exitCode, unapproved.stderr).toBe(6)
    expect(unapproved.stderr).toContain('needs an approval')
    expect(await sql(world.stateUrl, 'select 1 from cicd.releases')).toHaveLength(0)

    const first = await cli('deploy', '--env', 'production', '--version', 'v1', '--approve', '--yes')
    expect(first.exitCode, first.stderr).toBe(0)
    expect(await version()).toBe('v1')

    let load = requestLoop(world)
    const second = await cli('deploy', '--env', 'production', '--version', 'v2', '--approve', '--yes')
    let traffic = await load.stop()
    expect(second.exitCode, second.stderr).toBe(0)
    expect(second.stdout).toContain('release #1 (v1) stays running idle for 24 h')
    expect(traffic.failed).toEqual([])
    expect(traffic.versions).toEqual(new Set(['v1', 'v2']))
    expect(await version()).toBe('v2')

    load = requestLoop(world)
    const broken = await cli('deploy', '--env', 'production', '--version', 'v3', '--approve', '--yes')
    traffic = await load.stop()
    expect(broken.exitCode).toBe(4)
    expect(broken.stderr).toMatch(/Deploy of v3 to production failed: web#\d \(port \d+\) failed its health check: HTTP 500/)
    expect(broken.stderr).toContain('Rolled back automatically to release #2 (v2), which serves again')
    expect(traffic.failed).toEqual([])
    expect(traffic.versions).toEqual(new Set(['v2']))
    expect(await version()).toBe('v2')
    const releases = await sql<{version: string; status: string}>(world.stateUrl, 'select version, status from cicd.releases order by id')
    expect(releases).toEqual([
      {version: 'v1', status: 'verified'},
      {version: 'v2', status: 'verified'},
      {version: 'v3', status: 'failed'},
    ])

    const status = await cli('status', '--env', 'production')
    expect(status.exitCode, status.stdout + status.stderr).toBe(0)
    expect(status.stdout).toContain('production (blue-green): release #2 v2 (verified)')
    expect(status.stdout).toContain('lock: free')

    const listed = await cli('releases', '--env', 'production', '--runs', '--incidents')
    expect(listed.exitCode, listed.stderr).toBe(0)
    expect(listed.stdout).toMatch(/\* #2 +v2 +verified/)
    expect(listed.stdout).toContain('rollback (automatic) succeeded')

    const dry = await cli('cleanup', '--env', 'production', '--dry-run')
    expect(dry.exitCode, dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(/Would remove 1 container\(s\): .*-r3-0/)
    const cleaned = await cli('cleanup', '--env', 'production', '--yes')
    expect(cleaned.exitCode, cleaned.stderr).toBe(0)
    expect(cleaned.stdout).toMatch(/Removed 1 container\(s\)/)
    expect(await version()).toBe('v2')
  })
})
