// pg_dump and pg_restore (execa): the tools for backups. The password travels in PGPASSWORD, never in argv
// (argv is visible to every user in `ps`), and errors name the database without it.
import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {mkdir, stat} from 'node:fs/promises'
import path from 'node:path'

import {stripPassword} from '../lifecycle/redact.js'
import {CommandNotFound, execFile} from './process.js'
import {PrerequisiteError} from '../errors.js'

export interface PgTools {
  /** Custom-format dump of the whole database; `snapshot` pins it to an exported snapshot. */
  dump(options: {url: string; file: string; snapshot?: string}): Promise<FileDigest>
  /** Size and SHA-256 of a file, or undefined when it is missing. */
  digest(file: string): Promise<FileDigest | undefined>
  /** The archive's table of contents; throws when the archive is unreadable. */
  list(file: string): Promise<string[]>
  /** Replaces the database's content with the archive's, in one transaction. */
  restore(options: {url: string; file: string}): Promise<void>
}

export interface FileDigest {
  sizeBytes: number
  sha256: string
}

async function digestOf(file: string): Promise<FileDigest | undefined> {
  const info = await stat(file).catch(() => undefined)
  if (!info) return undefined
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return {sizeBytes: info.size, sha256: hash.digest('hex')}
}

export class PgToolError extends Error {}

function connection(url: string): {dsn: string; env: Record<string, string>} {
  const {url: dsn, password} = stripPassword(url)
  return {dsn, env: password === undefined ? {} : {PGPASSWORD: password}}
}

async function run(tool: string, args: string[], env: Record<string, string>, binDir?: string): Promise<string> {
  const file = binDir ? `${binDir}/${tool}` : tool
  try {
    const out = await execFile(file, args, {cwd: process.cwd(), env: {...process.env, ...env} as Record<string, string>})
    if (out.exitCode !== 0) throw new PgToolError(`${tool} exited ${out.exitCode}: ${out.stderr.trim().split('\n').slice(-3).join(' | ')}`)
    return out.stdout
  } catch (error) {
    if (error instanceof CommandNotFound) {
      throw new PrerequisiteError(`${tool} is not installed`, ['Install the PostgreSQL client tools: apt-get install -y postgresql-client-15'])
    }
    throw error
  }
}

export function createPgTools(options: {binDir?: string} = {}): PgTools {
  return {
    async dump({url, file, snapshot}) {
      const {dsn, env} = connection(url)
      await mkdir(path.dirname(file), {recursive: true})
      await run('pg_dump', ['--format=custom', '--no-owner', `--file=${file}`, ...(snapshot ? [`--snapshot=${snapshot}`] : []), `--dbname=${dsn}`], env, options.binDir)
      return (await digestOf(file))!
    },
    digest: digestOf,
    async list(file) {
      const out = await run('pg_restore', ['--list', file], {}, options.binDir)
      return out.split('\n').filter((line) => line && !line.startsWith(';'))
    },
    async restore({url, file}) {
      const {dsn, env} = connection(url)
      await run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${dsn}`, file], env, options.binDir)
    },
  }
}
