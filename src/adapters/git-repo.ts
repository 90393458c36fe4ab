// What the check service asks git: where the project's root is, and which files it holds (tracked, plus
// untracked files that are not ignored, minus files deleted from the working tree).
import {access, realpath} from 'node:fs/promises'
import path from 'node:path'

import {UsageError} from '../errors.js'

/**
 * The project root: the nearest directory from `cwd` up to the git top level that holds one of `markers`
 * (a monorepo's `platform/` with its own pyproject.toml), else the top level.
 */
export async function findProjectRoot(cwd: string, markers: readonly string[]): Promise<string> {
  const top = await findRepositoryRoot(cwd)
  let dir = await realpath(path.resolve(cwd))
  while (dir.startsWith(top) && dir !== top) {
    if (await hasAnyMarker(dir, markers)) return dir
    dir = path.dirname(dir)
  }
  return top
}

async function hasAnyMarker(dir: string, markers: readonly string[]): Promise<boolean> {
  const found = await Promise.all(markers.map((name) => access(path.join(dir, name)).then(() => true, () => false)))
  return found.includes(true)
}

export async function findRepositoryRoot(cwd: string): Promise<string> {
  if (!(await access(cwd).then(() => true, () => false))) {
    throw new UsageError(`The directory ${cwd} does not exist.`, ['Pass an existing directory to --cwd'])
  }
  const {simpleGit} = await import('simple-git')
  try {
    const root = await simpleGit({baseDir: cwd}).revparse(['--show-toplevel'])
    return await realpath(root.trim())
  } catch (error) {
    if (/not a git repository/i.test(String((error as Error).message ?? error))) {
      throw new UsageError(`${path.resolve(cwd)} is not inside a git repository.`, [
        'cicd checks what git tracks, like CI does: run it inside your repository, or pass --cwd DIR',
        'for a new project: git init && git add -A',
      ])
    }
    throw error
  }
}

/** Paths relative to `root` (a repository or a directory in one), read NUL-separated so any file name survives. */
export async function listRepositoryFiles(root: string): Promise<string[]> {
  const {simpleGit} = await import('simple-git')
  const git = simpleGit({baseDir: root})
  const [listed, deleted] = await Promise.all([
    git.raw(['-c', 'core.quotepath=off', 'ls-files', '-z', '--cached', '--others', '--exclude-standard']),
    git.raw(['-c', 'core.quotepath=off', 'ls-files', '-z', '--deleted']),
  ])
  const gone = new Set(split(deleted))
  return [...new Set(split(listed))].filter((file) => !gone.has(file))
}

function split(output: string): string[] {
  return output.split('\0').filter(Boolean)
}
