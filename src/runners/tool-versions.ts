// Remembers which version each tool executable is, so a run does not pay a Python start-up (up to a second
// for pylint) per tool just to ask. The key is the executable's identity from the runner (path, size and
// modification time locally; the image id in a container), so an upgrade is seen at once.
import {mkdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import {userCacheDir} from '../cache/user-cache-dir.js'

export interface ToolVersionStore {
  get(identity: string): string | undefined
  set(identity: string, version: string): void
  /** Writes what was learnt; failures are ignored (the store is only a shortcut). */
  flush(): Promise<void>
}

export function defaultVersionStoreFile(): string {
  return userCacheDir('tool-versions.json')
}

export async function openToolVersionStore(file = defaultVersionStoreFile()): Promise<ToolVersionStore> {
  let known: Record<string, string> = {}
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'))
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      known = Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'string')) as Record<string, string>
    }
  } catch {
    // Missing or corrupt: start empty; the next flush rewrites it.
  }
  let changed = false
  return {
    get: (identity) => known[identity],
    set(identity, version) {
      if (known[identity] === version) return
      known[identity] = version
      changed = true
    },
    async flush() {
      if (!changed) return
      try {
        await mkdir(path.dirname(file), {recursive: true})
        const {default: writeFileAtomic} = await import('write-file-atomic')
        await writeFileAtomic(file, `${JSON.stringify(known, null, 1)}\n`)
        changed = false
      } catch {
        // An unwritable cache directory only costs the probe next time.
      }
    },
  }
}
