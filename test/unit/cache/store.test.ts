// The cache's disk: entries survive a reopen, damaged ones are dropped, the size bound evicts the least
// recently used, two processes writing the same entries both leave whole ones, and a directory that cannot
// be written turns the cache off with one warning instead of failing the run.
import {mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {execa} from 'execa'
import {afterEach, describe, expect, it} from 'vitest'

import {digest} from '../../../src/cache/keys.js'
import {openCacheStore} from '../../../src/cache/store.js'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, {recursive: true, force: true})))
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-cache-store-'))
  dirs.push(dir)
  return dir
}

const key = (name: string) => digest(name)
const entryFile = (dir: string, k: string) => path.join(dir, 'entries', k.slice(0, 2), k)

describe('openCacheStore', () => {
  it('returns what was put, across a reopen, and says whether it held anything when opened', async () => {
    const dir = await tempDir()
    const first = await openCacheStore({candidates: [dir], maxBytes: 1 << 20, warn: () => {}})
    expect(first.emptyAtOpen).toBe(true)
    await first.put(key('a'), {findings: [1, 2, 3]})
    await first.close()
    expect(first.emptyAtOpen).toBe(true)
    const second = await openCacheStore({candidates: [dir], maxBytes: 1 << 20, warn: () => {}})
    expect(second.emptyAtOpen).toBe(false)
    expect(await second.get(key('a'))).toEqual({findings: [1, 2, 3]})
    expect(await second.get(key('b'))).toBeUndefined()
  })

  it('treats a damaged, truncated or misfiled entry as a miss and deletes it', async () => {
    const dir = await tempDir()
    const store = await openCacheStore({candidates: [dir], maxBytes: 1 << 20, warn: () => {}})
    for (const name of ['flipped', 'truncated', 'misfiled', 'garbage']) await store.put(key(name), {value: name})
    const flipped = entryFile(dir, key('flipped'))
    await writeFile(flipped, (await readFile(flipped, 'utf8')).replace('flipped', 'flopped'))
    const truncated = entryFile(dir, key('truncated'))
    const text = await readFile(truncated, 'utf8')
    await writeFile(truncated, text.slice(0, text.length - 5))
    await writeFile(entryFile(dir, key('misfiled')), await readFile(entryFile(dir, key('garbage')), 'utf8'))
    await writeFile(entryFile(dir, key('garbage')), Buffer.from([0xff, 0x00, 0x13]))

    for (const name of ['flipped', 'truncated', 'misfiled', 'garbage']) {
      expect(await store.get(key(name)), name).toBeUndefined()
      await expect(stat(entryFile(dir, key(name))), name).rejects.toThrow(/ENOENT/)
    }
  })

  it('evicts the least recently used entries (a read counts as a use) once the bound is passed', async () => {
    const dir = await tempDir()
    let clock = 1_700_000_000_000
    const now = () => clock
    const payload = 'x'.repeat(1000)
    const store = await openCacheStore({candidates: [dir], maxBytes: 10_000, warn: () => {}, now})
    for (let i = 0; i < 8; i++) {
      clock += 1000
      await store.put(key(`e${i}`), payload)
    }
    await store.close()
    // Entries are written with the real clock; set their use times in order, then read e0 so it becomes the newest.
    const {utimes} = await import('node:fs/promises')
    for (let i = 0; i < 8; i++) {
      const time = new Date(1_700_000_000_000 + i * 1000)
      await utimes(entryFile(dir, key(`e${i}`)), time, time)
    }
    clock = 1_700_000_100_000
    expect(await store.get(key('e0'))).toBe(payload)
    for (let i = 8; i < 12; i++) {
      clock += 1000
      await store.put(key(`e${i}`), payload)
    }
    await store.close()

    const present = await Promise.all(
      Array.from({length: 12}, (_, i) => stat(entryFile(dir, key(`e${i}`))).then(() => i, () => undefined)),
    )
    const kept = present.filter((i) => i !== undefined)
    // The oldest unread entries went first, until at most 80% of the bound was left; e0 was read, so it stays.
    const total = (await Promise.all(kept.map((i) => stat(entryFile(dir, key(`e${i}`)))))).reduce((sum, s) => sum + s.size, 0)
    expect(total).toBeLessThanOrEqual(8000)
    expect(total + 1200).toBeGreaterThan(8000)
    expect(kept[0]).toBe(0)
    expect(kept.slice(-4)).toEqual([8, 9, 10, 11])
    expect(kept.slice(1)).toEqual(Array.from({length: kept.length - 1}, (_, i) => 12 - kept.length + 1 + i))
  })

  it('leaves whole entries when two processes write the same keys at the same time', async () => {
    const dir = await tempDir()
    const script = path.join(await tempDir(), 'writer.mts')
    const storeModule = path.resolve('src/cache/store.ts')
    const keysModule = path.resolve('src/cache/keys.ts')
    await writeFile(
      script,
      `import {openCacheStore} from ${JSON.stringify(storeModule)}
import {digest} from ${JSON.stringify(keysModule)}
const [dir, writer] = process.argv.slice(2)
const store = await openCacheStore({candidates: [dir], maxBytes: 1 << 30, warn: (m) => { console.error(m); process.exit(9) }})
for (let round = 0; round < 20; round++) {
  await Promise.all(Array.from({length: 25}, (_, i) => store.put(digest('k' + i), {writer, i, blob: String(writer).repeat(5000 + i)})))
  for (let i = 0; i < 25; i++) {
    const value = await store.get(digest('k' + i))
    if (!value || value.i !== i || value.blob.length !== 5000 + i) { console.error('bad entry', i); process.exit(1) }
  }
}
await store.close()
`,
    )
    const tsx = path.resolve('node_modules/.bin/tsx')
    const [a, b] = await Promise.all([execa(tsx, [script, dir, 'a'], {reject: false}), execa(tsx, [script, dir, 'b'], {reject: false})])
    expect([a.exitCode, a.stderr, b.exitCode, b.stderr]).toEqual([0, '', 0, ''])
    const store = await openCacheStore({candidates: [dir], maxBytes: 1 << 30, warn: () => {}})
    for (let i = 0; i < 25; i++) {
      const value = (await store.get(key(`k${i}`))) as {writer: string; blob: string}
      expect(['a', 'b']).toContain(value.writer)
      expect(value.blob).toBe(value.writer.repeat(5000 + i))
    }
    const shards = await readdir(path.join(dir, 'entries'))
    const leftovers = (await Promise.all(shards.map((s) => readdir(path.join(dir, 'entries', s))))).flat().filter((n) => !/^[0-9a-f]{64}$/.test(n))
    expect(leftovers).toEqual([])
  })

  it('falls back to the next candidate when the first cannot be created', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'file'), '')
    const warnings: string[] = []
    const store = await openCacheStore({candidates: [path.join(dir, 'file', 'cache'), path.join(dir, 'fallback')], maxBytes: 1 << 20, warn: (m) => warnings.push(m)})
    expect(store.dir).toBe(path.join(dir, 'fallback'))
    expect(warnings).toEqual([])
  })

  it('turns itself off with one warning naming the fix when no directory can be written', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'file'), '')
    const warnings: string[] = []
    const store = await openCacheStore({candidates: [path.join(dir, 'file', 'cache')], maxBytes: 1 << 20, warn: (m) => warnings.push(m)})
    expect(store.dir).toBeUndefined()
    await store.put(key('a'), 1)
    expect(await store.get(key('a'))).toBeUndefined()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/cache is off.*cache\.dir.*--no-cache/s)
  })

  it('stops writing with one warning when the directory becomes unwritable mid-run, and keeps the run going', async () => {
    const dir = await tempDir()
    const warnings: string[] = []
    const store = await openCacheStore({candidates: [dir], maxBytes: 1 << 20, warn: (m) => warnings.push(m)})
    await store.put(key('before'), 1)
    // The entries directory replaced by a file: every write now fails (as on a full or read-only disk).
    await rm(path.join(dir, 'entries'), {recursive: true})
    await writeFile(path.join(dir, 'entries'), '')
    await store.put(key('a'), 1)
    await store.put(key('b'), 2)
    await store.close()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/cannot be written.*goes on/s)
    expect(await store.get(key('a'))).toBeUndefined()
  })
})
