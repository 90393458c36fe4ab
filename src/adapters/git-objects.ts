// Git object ids for the files a run reads, as content fingerprints for the result cache: the index's blob
// id for a file whose working copy is unchanged (free: `git ls-files -s`), `git hash-object` for a file that
// is modified or not in the index. Nothing is written: not the index (no refresh, so a hook never takes
// index.lock), not the object store.
import {lstat} from 'node:fs/promises'
import path from 'node:path'

import type {SimpleGit} from 'simple-git'

export interface GitObjects {
  /**
   * The blob id of each file's current content, by path relative to `root` (a repository or a directory in
   * one). A file that does not exist (or is not a regular file or a symlink to one) is absent from the map.
   */
  blobIds(files: readonly string[]): Promise<Map<string, string>>
  /** The directory all linked worktrees of the repository share (absolute). */
  commonDir(): Promise<string>
}

/** Far below Linux's argv limit, like the pipeline's batches. */
const MAX_ARGV_BYTES = 96 * 1024
const REGULAR_FILE = /^100(644|755)$/

export function openGitObjects(root: string): GitObjects {
  let client: Promise<SimpleGit> | undefined
  const raw = async (args: string[]) => {
    client ??= import('simple-git').then(({simpleGit}) => simpleGit({baseDir: root}))
    return (await client).raw(args)
  }

  /** Stage-0 entries of regular files; symlinks, submodules and conflicted paths are hashed from disk instead. */
  const indexed = async (): Promise<Map<string, string>> => {
    const output = await raw(['-c', 'core.quotepath=off', 'ls-files', '-s', '-z'])
    const ids = new Map<string, string>()
    for (const record of output.split('\0')) {
      // "<mode> <object> <stage>\t<path>"
      const tab = record.indexOf('\t')
      if (tab === -1) continue
      const [mode, object, stage] = record.slice(0, tab).split(' ')
      if (stage === '0' && REGULAR_FILE.test(mode)) ids.set(record.slice(tab + 1), object)
    }
    return ids
  }

  /** Paths whose working copy may differ from the index (stat-dirty ones included: hashing them is exact). */
  const dirty = async (): Promise<Set<string>> => {
    const output = await raw(['-c', 'core.quotepath=off', 'diff-files', '--name-only', '-z', '--relative'])
    return new Set(output.split('\0').filter(Boolean))
  }

  const hashFromDisk = async (files: string[]): Promise<Map<string, string>> => {
    const present = (
      await Promise.all(
        files.map(async (file) => {
          const stats = await lstat(path.join(root, file)).catch(() => undefined)
          return stats && (stats.isFile() || stats.isSymbolicLink()) ? file : undefined
        }),
      )
    ).filter((file): file is string => file !== undefined)
    const ids = new Map<string, string>()
    for (const batch of argvBatches(present)) {
      let hashed: string[]
      try {
        hashed = (await raw(['hash-object', '--', ...batch])).split('\n').filter(Boolean)
      } catch {
        // A file vanished (or became a directory) between lstat and hashing: hash one by one, dropping it.
        hashed = await Promise.all(batch.map((file) => raw(['hash-object', '--', file]).then((id) => id.trim(), () => '')))
      }
      batch.forEach((file, index) => {
        if (hashed[index]) ids.set(file, hashed[index])
      })
    }
    return ids
  }

  return {
    async blobIds(files) {
      const [index, changed] = await Promise.all([indexed(), dirty()])
      const ids = new Map<string, string>()
      const toHash: string[] = []
      for (const file of files) {
        const id = index.get(file)
        if (id && !changed.has(file)) ids.set(file, id)
        else toHash.push(file)
      }
      for (const [file, id] of await hashFromDisk(toHash)) ids.set(file, id)
      return ids
    },
    commonDir: async () => path.resolve(root, (await raw(['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim()),
  }
}

function argvBatches(files: string[]): string[][] {
  const batches: string[][] = []
  let current: string[] = []
  let bytes = 0
  for (const file of files) {
    const size = Buffer.byteLength(file) + 1
    if (current.length > 0 && bytes + size > MAX_ARGV_BYTES) {
      batches.push(current)
      current = []
      bytes = 0
    }
    current.push(file)
    bytes += size
  }
  if (current.length > 0) batches.push(current)
  return batches
}
