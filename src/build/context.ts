// The build context: the files of the context directory that .dockerignore does not exclude, streamed as a
// tar. Excluded directories are not even walked (unless an exception pattern `!…` could bring something
// back), so a large ignored file or directory is never read, let alone sent. The Dockerfile and
// .dockerignore are always sent, as the docker CLI does, even when a pattern excludes them (the example
// platform ignores `docker`, where its Dockerfiles live).
import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'
import type {Readable} from 'node:stream'

import type {Ignore} from '@balena/dockerignore'

export interface BuildContext {
  /** Files to send, relative to the context directory, forward slashes, sorted. */
  files: string[]
}

export async function listContextFiles(contextDir: string, dockerfile: string): Promise<BuildContext> {
  const patterns = await readFile(path.join(contextDir, '.dockerignore'), 'utf8').catch(() => '')
  const {default: dockerignore} = (await import('@balena/dockerignore')) as unknown as {default: (options: {ignorecase: boolean}) => Ignore}
  const rules = dockerignore({ignorecase: false}).add(patterns)
  const hasExceptions = patterns.split(/\r?\n/).some((line) => line.trim().startsWith('!'))
  const files: string[] = []

  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(path.join(contextDir, relative), {withFileTypes: true})
    for (const entry of entries) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`
      const ignored = rules.ignores(child)
      if (entry.isDirectory()) {
        if (ignored && !hasExceptions) continue
        await walk(child)
      } else if (!ignored) {
        files.push(child)
      }
    }
  }
  await walk('')
  for (const always of [dockerfile, '.dockerignore']) {
    if (!files.includes(always) && (always !== '.dockerignore' || patterns !== '')) files.push(always)
  }
  return {files: files.sort()}
}

/** The context as an uncompressed tar stream of exactly those files. */
export async function packContext(contextDir: string, files: string[]): Promise<Readable> {
  const {default: tar} = await import('tar-fs')
  return tar.pack(contextDir, {entries: files}) as unknown as Readable
}
