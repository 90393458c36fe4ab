// The result cache's disk: one file per entry, named by its key, written atomically (a reader never sees
// half an entry, and two runs writing the same entry both leave a whole one), checked on read (a corrupt
// or foreign entry is a miss and is deleted), touched on read so eviction drops the least recently used
// entries once the size bound is passed. A cache that cannot be written is never fatal: the run goes on
// without it after one warning.
import {createHash} from 'node:crypto'
import {access, constants, mkdir, readdir, readFile, rm, stat, utimes} from 'node:fs/promises'
import path from 'node:path'

export interface CacheStore {
  /** The directory in use; undefined when the cache is off. */
  readonly dir: string | undefined
  /** True when the store held no entry when it was opened (a first run, or a cache just emptied). */
  readonly emptyAtOpen: boolean
  get(key: string): Promise<unknown>
  put(key: string, value: unknown): Promise<void>
  /** Evicts least recently used entries when the bound is passed; call once when the run ends. */
  close(): Promise<void>
}

export interface StoreOptions {
  /** Directories to try in order; the first that can be created and written is used. */
  candidates: string[]
  maxBytes: number
  warn(message: string): void
  now?: () => number
}

const FORMAT = 1
const KEY = /^[0-9a-f]{64}$/
/** After an eviction the cache holds at most this share of the bound, so the next runs do not evict again. */
const LOW_WATER = 0.8
/** write-file-atomic's temporary files left by a killed run are removed once this old. */
const STALE_TEMP_MS = 60 * 60 * 1000
/** The size estimate is checked against the disk at least this often. */
const RESCAN_MS = 24 * 60 * 60 * 1000

interface Usage {
  bytes: number
  scannedAt: number
}

export async function openCacheStore(options: StoreOptions): Promise<CacheStore> {
  const now = options.now ?? Date.now
  const dir = await firstWritable(options.candidates)
  if (!dir) {
    options.warn(
      `warning: the result cache is off: none of ${options.candidates.join(', ')} can be written. ` +
        'Set cache.dir to a writable directory, or pass --no-cache to silence this.',
    )
    return {dir: undefined, emptyAtOpen: true, get: async () => undefined, put: async () => {}, close: async () => {}}
  }
  const entries = path.join(dir, 'entries')
  const emptyAtOpen = (await readdir(entries).catch(() => [])).length === 0
  const usageFile = path.join(dir, 'usage.json')
  const fileOf = (key: string) => {
    if (!KEY.test(key)) throw new Error(`not a cache key: ${key}`)
    return path.join(entries, key.slice(0, 2), key)
  }
  let written = 0
  let writable = true

  const drop = (file: string) => rm(file, {force: true}).catch(() => {})

  return {
    dir,
    emptyAtOpen,
    async get(key) {
      const file = fileOf(key)
      let text: string
      try {
        text = await readFile(file, 'utf8')
      } catch {
        return undefined
      }
      const value = decode(text, key)
      if (value === undefined) {
        await drop(file)
        return undefined
      }
      const time = new Date(now())
      await utimes(file, time, time).catch(() => {})
      return value
    },
    async put(key, value) {
      if (!writable) return
      const file = fileOf(key)
      const text = encode(key, value)
      try {
        await mkdir(path.dirname(file), {recursive: true})
        const {default: writeFileAtomic} = await import('write-file-atomic')
        // No fsync: a lost entry is a miss, and a torn one fails its checksum.
        await writeFileAtomic(file, text, {fsync: false})
        written += Buffer.byteLength(text)
      } catch (error) {
        writable = false
        options.warn(
          `warning: the result cache at ${dir} cannot be written (${(error as Error).message}); this run goes on without storing results. ` +
            'Free some space or set cache.dir to a writable directory; --no-cache turns the cache off.',
        )
      }
    },
    async close() {
      if (written === 0 || !writable) return
      const usage = await readUsage(usageFile)
      const estimate = usage.bytes + written
      written = 0
      if (estimate <= options.maxBytes && now() - usage.scannedAt < RESCAN_MS) {
        await writeUsage(usageFile, {...usage, bytes: estimate})
        return
      }
      const bytes = await evict(entries, Math.floor(options.maxBytes * LOW_WATER), now(), options.maxBytes)
      await writeUsage(usageFile, {bytes, scannedAt: now()})
    },
  }
}

async function firstWritable(candidates: string[]): Promise<string | undefined> {
  for (const candidate of candidates) {
    try {
      await mkdir(path.join(candidate, 'entries'), {recursive: true})
      await access(path.join(candidate, 'entries'), constants.W_OK)
      return candidate
    } catch {
      // Try the next one.
    }
  }
  return undefined
}

function encode(key: string, value: unknown): string {
  const body = JSON.stringify(value)
  return `${JSON.stringify({format: FORMAT, key, sha256: sha256(body)})}\n${body}`
}

/** The stored value, or undefined when the entry is damaged, from another format, or filed under the wrong key. */
function decode(text: string, key: string): unknown {
  const newline = text.indexOf('\n')
  if (newline === -1) return undefined
  try {
    const header = JSON.parse(text.slice(0, newline)) as {format?: unknown; key?: unknown; sha256?: unknown}
    const body = text.slice(newline + 1)
    if (header.format !== FORMAT || header.key !== key || header.sha256 !== sha256(body)) return undefined
    return JSON.parse(body) as unknown
  } catch {
    return undefined
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

async function readUsage(file: string): Promise<Usage> {
  try {
    const usage = JSON.parse(await readFile(file, 'utf8')) as Partial<Usage>
    if (typeof usage.bytes === 'number' && typeof usage.scannedAt === 'number') return {bytes: usage.bytes, scannedAt: usage.scannedAt}
  } catch {
    // Missing or damaged: a scan sets it right.
  }
  return {bytes: 0, scannedAt: 0}
}

async function writeUsage(file: string, usage: Usage): Promise<void> {
  const {default: writeFileAtomic} = await import('write-file-atomic')
  await writeFileAtomic(file, JSON.stringify(usage), {fsync: false}).catch(() => {})
}

/**
 * Deletes the least recently used entries (oldest modification time: reads touch it) until the cache holds
 * at most `target` bytes, when it holds more than `bound`, and stale temporary files always. Another run
 * may evict at the same time: a file already gone is simply skipped. Returns the bytes left.
 */
async function evict(root: string, target: number, now: number, bound: number): Promise<number> {
  const files: Array<{file: string; size: number; used: number}> = []
  const shards = await readdir(root).catch(() => [] as string[])
  for (const shard of shards) {
    const names = await readdir(path.join(root, shard)).catch(() => [] as string[])
    await Promise.all(
      names.map(async (name) => {
        const file = path.join(root, shard, name)
        const stats = await stat(file).catch(() => undefined)
        if (!stats?.isFile()) return
        if (!KEY.test(name)) {
          if (now - stats.mtimeMs > STALE_TEMP_MS) await rm(file, {force: true}).catch(() => {})
          return
        }
        files.push({file, size: stats.size, used: stats.mtimeMs})
      }),
    )
  }
  let total = files.reduce((sum, entry) => sum + entry.size, 0)
  if (total <= bound) return total
  files.sort((a, b) => a.used - b.used)
  for (const entry of files) {
    if (total <= target) break
    await rm(entry.file, {force: true}).catch(() => {})
    total -= entry.size
  }
  return total
}
