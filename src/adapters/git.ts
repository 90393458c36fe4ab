// What the hooks ask git (simple-git underneath): where git runs hooks, the repository's state, the commits
// and files a push brings, and temporary detached worktrees that hold exactly a pushed commit.
import path from 'node:path'

import type {SimpleGit} from 'simple-git'

export interface GitRepository {
  /** The top of the working tree (absolute). */
  topLevel(): Promise<string>
  /** The directory shared by all worktrees (absolute). */
  commonDir(): Promise<string>
  /** Where git looks for hooks: core.hooksPath when set, else the common dir's hooks (absolute). */
  hooksDir(): Promise<string>
  /** A configuration value as git resolves it (all scopes), or undefined. */
  config(key: string): Promise<string | undefined>
  /** True when the repository has at least one ref pointing at a commit. */
  hasCommits(): Promise<boolean>
  isShallow(): Promise<boolean>
  /** The commits at the shallow boundary (their parents are missing). */
  shallowCommits(): Promise<Set<string>>
  /** The commit a sha or ref names, peeling tags; undefined when the repository does not hold it. */
  commitOf(rev: string): Promise<string | undefined>
  /** The tree a commit records (its content, every file included). */
  treeOf(commit: string): Promise<string>
  /** HEAD's commit, undefined on an unborn branch. */
  head(): Promise<string | undefined>
  /** The branch HEAD is on, undefined when detached. */
  currentBranch(): Promise<string | undefined>
  /** No staged, unstaged or untracked (not ignored) change. */
  isClean(): Promise<boolean>
  /**
   * The working tree as git sees it, in three git processes and without writing anything (not even the
   * index's stat cache): a digest of every index entry, of the content of every tracked file whose working
   * copy differs from the index, and of the size and modification time of every untracked file git does not
   * ignore (equal digests: the same files with the same content), the common dir, and HEAD's branch and commit.
   */
  worktreeSnapshot(): Promise<WorktreeSnapshot>
  /**
   * Files the index adds or changes against HEAD (every indexed file before the first commit). `indexFile`:
   * another index than the repository's (the one `git commit` hands its pre-commit hook in GIT_INDEX_FILE).
   */
  stagedFiles(indexFile?: string): Promise<string[]>
  /** Paths the index holds in conflict (a merge or rebase stopped on them). */
  unmergedFiles(indexFile?: string): Promise<string[]>
  /**
   * A commit of exactly what the index holds, on HEAD when there is one, written to the object database
   * only: no ref moves, and the index itself is not written (git write-tree works on a copy of it, which it
   * makes in `scratchDir`: a directory it creates and the caller removes).
   */
  commitIndex(message: string, scratchDir: string, indexFile?: string): Promise<string>
  /** refs/remotes/* (full names). */
  remoteTrackingRefs(): Promise<string[]>
  /** Commits reachable from `tip` and not from `base` (or, without one, from no remote-tracking ref). */
  newCommits(tip: string, base?: string): Promise<string[]>
  /** Files that differ between two commits and still exist in `tip`. */
  changedFiles(base: string, tip: string): Promise<string[]>
  /** Files touched by the commits `newCommits(tip, base)` lists that still exist in `tip`. */
  filesTouched(tip: string, base?: string): Promise<string[]>
  /** Checks out `commit` into a new directory, registered as a detached worktree; runs no hooks. */
  addDetachedWorktree(directory: string, commit: string): Promise<void>
  /** Removes a worktree (even with changes) and its directory, and prunes its registration. */
  removeWorktree(directory: string): Promise<void>
  /** Absolute paths of the registered worktrees, the main one first. */
  worktrees(): Promise<string[]>
}

export interface WorktreeSnapshot {
  digest: string
  commonDir: string
  /** undefined when detached. */
  branch?: string
  /** undefined on an unborn branch. */
  head?: string
}

/** Fields before the path in `status --porcelain=v2` entries: ordinary (1) and unmerged (u). */
const STATUS_V2_FIELDS: Record<string, number> = {'1': 8, u: 10}

interface StatusV2 {
  /** Tracked paths (relative to the top) whose working copy differs from the index, with their status fields. */
  modified: {file: string; fields: string}[]
  untracked: string[]
  branch?: string
  head?: string
}

/** `status --porcelain=v2 -z --branch --no-renames`; Y of XY is the working copy against the index ('.': the same). */
function readStatusV2(output: string): StatusV2 {
  const status: StatusV2 = {modified: [], untracked: []}
  for (const entry of output.split('\0').filter(Boolean)) {
    if (entry.startsWith('# branch.head ')) status.branch = entry.slice('# branch.head '.length)
    else if (entry.startsWith('# branch.oid ')) status.head = entry.slice('# branch.oid '.length)
    else if (entry.startsWith('? ')) status.untracked.push(entry.slice(2))
    else {
      const count = STATUS_V2_FIELDS[entry[0]]
      const parts = entry.split(' ')
      // XY, the submodule state and the working copy's mode: a changed mode or submodule counts too.
      if (count !== undefined && (entry[0] === 'u' || parts[1][1] !== '.')) status.modified.push({file: parts.slice(count).join(' '), fields: [parts[1], parts[2], parts[5]].join(' ')})
    }
  }
  if (status.branch === '(detached)') status.branch = undefined
  if (status.head === '(initial)') status.head = undefined
  return status
}

/** A git repository seen from `cwd`; nothing runs until a method is called. */
export function openGitRepository(cwd: string): GitRepository {
  let client: Promise<SimpleGit> | undefined
  const git = () =>
    (client ??= import('simple-git').then(({simpleGit}) =>
      // core.hooksPath is set only to switch hooks off for our own `worktree add`.
      simpleGit({baseDir: cwd, unsafe: {allowUnsafeHooksPath: true}}),
    ))
  const raw = async (args: string[]) => (await git()).raw(args)
  /**
   * A git command on another index file than the repository's: GIT_INDEX_FILE for that command alone. Not
   * through simple-git, which refuses an environment that names an editor, and git sets GIT_EDITOR for hooks.
   */
  const withIndex = async (indexFile: string | undefined, args: string[]) => {
    if (indexFile === undefined) return raw(args)
    const {execFile} = await import('./process.js')
    const output = await execFile('git', args, {cwd, env: {GIT_INDEX_FILE: path.resolve(cwd, indexFile)}})
    if (output.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed: ${output.stderr.trim()}`)
    return output.stdout
  }
  const succeeds = async (args: string[]) => {
    try {
      await raw(args)
      return true
    } catch {
      return false
    }
  }
  const lines = (output: string) => output.split('\n').filter(Boolean)
  const nulSeparated = (output: string) => output.split('\0').filter(Boolean)

  const existingIn = async (tip: string, files: string[]): Promise<string[]> => {
    if (files.length === 0) return []
    const present = new Set(nulSeparated(await raw(['ls-tree', '-r', '-z', '--name-only', '--full-tree', tip])))
    return files.filter((file) => present.has(file))
  }

  return {
    topLevel: async () => (await raw(['rev-parse', '--show-toplevel'])).trim(),
    commonDir: async () => path.resolve(cwd, (await raw(['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim()),
    hooksDir: async () => path.resolve(cwd, (await raw(['rev-parse', '--path-format=absolute', '--git-path', 'hooks'])).trim()),
    config: async (key) => {
      try {
        const value = (await raw(['config', '--get', key])).trim()
        return value === '' ? undefined : value
      } catch {
        return undefined
      }
    },
    hasCommits: async () => (await raw(['for-each-ref', '--count=1', '--format=%(objecttype)'])).trim() !== '',
    isShallow: async () => (await raw(['rev-parse', '--is-shallow-repository'])).trim() === 'true',
    shallowCommits: async () => {
      const file = path.resolve(cwd, (await raw(['rev-parse', '--path-format=absolute', '--git-path', 'shallow'])).trim())
      const {readFile} = await import('node:fs/promises')
      try {
        return new Set(lines(await readFile(file, 'utf8')).map((line) => line.trim()))
      } catch {
        return new Set()
      }
    },
    commitOf: async (rev) => {
      try {
        return (await raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`])).trim() || undefined
      } catch {
        return undefined
      }
    },
    treeOf: async (commit) => (await raw(['rev-parse', '--verify', '--end-of-options', `${commit}^{tree}`])).trim(),
    head: async () => {
      try {
        return (await raw(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim() || undefined
      } catch {
        return undefined
      }
    },
    currentBranch: async () => {
      try {
        return (await raw(['symbolic-ref', '--quiet', '--short', 'HEAD'])).trim() || undefined
      } catch {
        return undefined
      }
    },
    isClean: async () => (await raw(['status', '--porcelain=v1', '--untracked-files=all', '--ignore-submodules=none'])).trim() === '',
    worktreeSnapshot: async () => {
      const [places, index, output, {createHash}, {readFile, stat}] = await Promise.all([
        raw(['rev-parse', '--show-toplevel', '--path-format=absolute', '--git-common-dir']).then(lines),
        raw(['-c', 'core.quotepath=off', 'ls-files', '-s', '-z']),
        raw(['--no-optional-locks', 'status', '--porcelain=v2', '-z', '--branch', '--untracked-files=all', '--no-renames', '--ignore-submodules=none']),
        import('node:crypto'),
        import('node:fs/promises'),
      ])
      const [top, commonDir] = places
      const status = readStatusV2(output)
      const absent = () => 'absent'
      // Modified tracked files by content (there are few); untracked ones by size and modification time, as a
      // directory nobody ignored (a virtualenv) can hold thousands.
      const modified = await Promise.all(
        status.modified.map(async ({file, fields}) => `M ${file}\0${fields}\0${await readFile(path.join(top, file)).then((bytes) => createHash('sha256').update(bytes).digest('hex'), absent)}`),
      )
      const untracked = await Promise.all(
        status.untracked.map(async (file) => `? ${file}\0${await stat(path.join(top, file)).then(({size, mtimeMs}) => `${size}:${mtimeMs}`, absent)}`),
      )
      const hash = createHash('sha256').update(index).update('\0\0')
      for (const line of [...modified, ...untracked].sort()) hash.update(line).update('\0')
      return {digest: hash.digest('hex'), commonDir, branch: status.branch, head: status.head}
    },
    stagedFiles: async (indexFile) =>
      nulSeparated(await withIndex(indexFile, ['-c', 'core.quotepath=off', 'diff', '--cached', '--name-only', '-z', '--no-renames', '--diff-filter=d'])),
    unmergedFiles: async (indexFile) => [
      ...new Set(nulSeparated(await withIndex(indexFile, ['-c', 'core.quotepath=off', 'ls-files', '--unmerged', '-z'])).map((entry) => entry.slice(entry.indexOf('\t') + 1))),
    ],
    commitIndex: async (message, scratchDir, indexFile) => {
      const {copyFile, mkdir} = await import('node:fs/promises')
      const index = indexFile ?? path.resolve(cwd, (await raw(['rev-parse', '--path-format=absolute', '--git-path', 'index'])).trim())
      await mkdir(scratchDir)
      const copy = path.join(scratchDir, 'index')
      await copyFile(index, copy)
      // write-tree stores its cache-tree in the index it reads: the copy's, never the user's.
      const tree = (await withIndex(copy, ['write-tree'])).trim()
      const head = await raw(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).then((out) => out.trim(), () => '')
      // An identity of its own: the commit is cicd's scratch object, and the user may have none configured yet.
      const identity = ['-c', 'user.name=cicd', '-c', 'user.email=cicd@localhost']
      return (await raw([...identity, 'commit-tree', tree, ...(head ? ['-p', head] : []), '-m', message])).trim()
    },
    remoteTrackingRefs: async () => lines(await raw(['for-each-ref', '--format=%(refname)', 'refs/remotes/'])),
    newCommits: async (tip, base) =>
      lines(await raw(base ? ['rev-list', `${base}..${tip}`] : ['rev-list', tip, '--not', '--remotes'])),
    changedFiles: async (base, tip) =>
      nulSeparated(await raw(['diff', '--name-only', '-z', '--no-renames', '--diff-filter=d', base, tip, '--'])),
    filesTouched: async (tip, base) => {
      const range = base ? [`${base}..${tip}`] : [tip, '--not', '--remotes']
      const touched = await raw(['log', '--format=', '--name-only', '-z', '--no-renames', '-m', ...range, '--'])
      return existingIn(tip, [...new Set(nulSeparated(touched).map((file) => file.replace(/^\n+/, '')).filter(Boolean))])
    },
    addDetachedWorktree: async (directory, commit) => {
      await raw(['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', '--quiet', directory, commit])
    },
    removeWorktree: async (directory) => {
      await succeeds(['worktree', 'remove', '--force', '--force', directory])
      // A checkout cut short (Ctrl-C during `worktree add`) leaves a directory git no longer knows.
      const {rm} = await import('node:fs/promises')
      await rm(directory, {recursive: true, force: true})
      await raw(['worktree', 'prune'])
    },
    worktrees: async () =>
      lines(await raw(['worktree', 'list', '--porcelain']))
        .filter((line) => line.startsWith('worktree '))
        .map((line) => line.slice('worktree '.length)),
  }
}

/** The files in git's hooks directories, as the hooks services need them. */
export interface HookFiles {
  /** The content, or undefined when there is no such file. */
  read(file: string): Promise<string | undefined>
  isExecutable(file: string): Promise<boolean>
  /** Writes atomically (a reader never sees half a hook), creating the directory, mode 0755. */
  writeExecutable(file: string, content: string): Promise<void>
  rename(from: string, to: string): Promise<void>
  remove(file: string): Promise<void>
}

export function openHookFiles(): HookFiles {
  return {
    read: async (file) => {
      const {readFile} = await import('node:fs/promises')
      try {
        return await readFile(file, 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw error
      }
    },
    isExecutable: async (file) => {
      const {access, constants} = await import('node:fs/promises')
      return access(file, constants.X_OK).then(
        () => true,
        () => false,
      )
    },
    writeExecutable: async (file, content) => {
      const {mkdir} = await import('node:fs/promises')
      const {default: writeFileAtomic} = await import('write-file-atomic')
      await mkdir(path.dirname(file), {recursive: true})
      await writeFileAtomic(file, content, {mode: 0o755})
    },
    rename: async (from, to) => {
      const {rename} = await import('node:fs/promises')
      await rename(from, to)
    },
    remove: async (file) => {
      const {rm} = await import('node:fs/promises')
      await rm(file, {force: true})
    },
  }
}
