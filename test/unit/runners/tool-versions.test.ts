import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {openToolVersionStore} from '../../../src/runners/tool-versions.js'

describe('tool version store', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-versions-'))
  })
  afterEach(() => rm(dir, {recursive: true, force: true}))

  it('remembers versions across runs by executable identity', async () => {
    const file = path.join(dir, 'nested', 'versions.json')
    const first = await openToolVersionStore(file)
    expect(first.get('local:/usr/bin/flake8:1:2')).toBeUndefined()
    first.set('local:/usr/bin/flake8:1:2', '5.0.4')
    await first.flush()
    const second = await openToolVersionStore(file)
    expect(second.get('local:/usr/bin/flake8:1:2')).toBe('5.0.4')
    expect(second.get('local:/usr/bin/flake8:1:3')).toBeUndefined()
  })

  it('starts empty from a corrupt file and repairs it', async () => {
    const file = path.join(dir, 'versions.json')
    await writeFile(file, '{not json')
    const store = await openToolVersionStore(file)
    expect(store.get('x')).toBeUndefined()
    store.set('x', '1.0')
    await store.flush()
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({x: '1.0'})
  })

  it('ignores an unwritable location', async () => {
    const blocker = path.join(dir, 'a-file')
    await writeFile(blocker, '')
    const store = await openToolVersionStore(path.join(blocker, 'versions.json'))
    store.set('x', '1.0')
    await expect(store.flush()).resolves.toBeUndefined()
    expect(store.get('x')).toBe('1.0')
  })
})
