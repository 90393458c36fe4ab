import {describe, expect, it} from 'vitest'

import {expiredContainers, protectedImages, removableImages} from '../../../src/deploy/retention.js'
import type {ReleaseSpec} from '../../../src/deploy/spec.js'
import type {Release} from '../../../src/state/store.js'

const HOUR = 3_600_000
function release(id: number, status: Release['status'], strategy: ReleaseSpec['strategy'] = 'blue-green', finishedAt = new Date(0)): Release {
  return {id, environment: 'production', version: `v${id}`, images: {web: `sha256:${id}`}, spec: {strategy, instances: 1, services: {}}, slot: id % 2, migrationHead: null, backupId: null, actor: 'a', status, createdAt: new Date(0), finishedAt, note: null}
}

describe('cleanup retention', () => {
  const containers = [
    {id: 'a', name: 'live', releaseId: 3, running: true},
    {id: 'b', name: 'blue', releaseId: 2, running: true},
    {id: 'c', name: 'failed', releaseId: 4, running: false},
  ]

  it('keeps a running blue inside its window and removes stopped leftovers', () => {
    const live = release(3, 'verified', 'blue-green', new Date(10 * HOUR))
    expect(expiredContainers(containers, live, 24, 20 * HOUR).map((c) => c.name)).toEqual(['failed'])
  })

  it('removes the blue once the window has passed, never the live release', () => {
    const live = release(3, 'verified', 'blue-green', new Date(10 * HOUR))
    expect(expiredContainers(containers, live, 24, 35 * HOUR).map((c) => c.name)).toEqual(['blue', 'failed'])
  })

  it('protects the live release and the newest verified ones, and removes only images of the services', () => {
    const releases = [release(1, 'verified'), release(2, 'verified'), release(3, 'rolled-back'), release(4, 'verified')]
    const protect = protectedImages(releases, releases[2], 2)
    expect([...protect].sort()).toEqual(['sha256:2', 'sha256:3', 'sha256:4'])
    const images = [
      {id: 'sha256:1', tags: ['app:v1']},
      {id: 'sha256:2', tags: ['app:v2']},
      {id: 'sha256:9', tags: ['postgres:15']},
    ]
    expect(removableImages(images, ['app'], protect)).toEqual([{id: 'sha256:1', tags: ['app:v1']}])
  })
})
