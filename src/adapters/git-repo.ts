// What the check service asks git: where the repository's root is, and which files it holds (tracked, plus
// untracked files that are not ignored, minus files deleted from the working tree).
import {UsageError} from '../errors.js'

export async function findRepositoryRoot(cwd: string): Promise<string> {
  const {simpleGit} = await import('simple-git')
  try {
    const root = await simpleGit({baseDir: cwd}).revparse(['--show-toplevel'])
    return root.trim()
  } catch (error) {
    const message = String((error as Error).message ?? error)
    if (/not a git repository/i.test(message)) {
      throw new UsageError(`${cwd} is not inside a git repository.`, [
        'cicd checks what git tracks, like CI does: run it inside your repository, or pass --cwd DIR',
        'for a new project: git init && git add -A',
      ])
    }
    if (/ENOENT|no such file/i.test(message)) {
      throw new UsageError(`The directory ${cwd} does not exist.`, ['Pass an existing directory to --cwd'])
    }
    throw error
  }
}

/** Repository-relative paths with forward slashes, NUL-separated from git so any file name survives. */
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
