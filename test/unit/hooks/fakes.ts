// In-memory stand-ins for the git repository and the hook files, for the hooks services' unit tests.
import path from 'node:path'

import type {GitRepository, HookFiles} from '../../../src/adapters/git.js'
import type {Terminal} from '../../../src/adapters/terminal.js'
import {Chalk} from 'chalk'

export function fakeHookFiles(initial: Record<string, {content: string; executable?: boolean}> = {}) {
  const files = new Map(Object.entries(initial).map(([file, entry]) => [file, {content: entry.content, executable: entry.executable ?? true}]))
  const api: HookFiles = {
    read: async (file) => files.get(file)?.content,
    isExecutable: async (file) => files.get(file)?.executable ?? false,
    writeExecutable: async (file, content) => {
      files.set(file, {content, executable: true})
    },
    rename: async (from, to) => {
      const entry = files.get(from)
      if (!entry) throw new Error(`ENOENT ${from}`)
      files.delete(from)
      files.set(to, entry)
    },
    remove: async (file) => {
      files.delete(file)
    },
  }
  return {api, files}
}

export interface FakeGitState {
  top?: string
  commonDir?: string
  hooksDir?: string
  head?: string
  clean?: boolean
  commits?: string[]
  remoteRefs?: string[]
  shallow?: string[]
  /** tip → commits not on any remote-tracking ref */
  newCommits?: Record<string, string[]>
  /** `${base}..${tip}` → commits */
  ranges?: Record<string, string[]>
  touched?: Record<string, string[]>
  diffs?: Record<string, string[]>
}

export function fakeGit(state: FakeGitState = {}) {
  const top = state.top ?? '/repo'
  const commonDir = state.commonDir ?? path.join(top, '.git')
  const calls: string[] = []
  const worktrees = new Set<string>()
  const known = new Set(state.commits ?? [])
  const api: GitRepository = {
    topLevel: async () => {
      if (state.top === '') throw new Error('fatal: not a git repository')
      return top
    },
    commonDir: async () => commonDir,
    hooksDir: async () => state.hooksDir ?? path.join(commonDir, 'hooks'),
    config: async () => undefined,
    hasCommits: async () => known.size > 0,
    isShallow: async () => (state.shallow ?? []).length > 0,
    shallowCommits: async () => new Set(state.shallow ?? []),
    commitOf: async (rev) => (known.has(rev) ? rev : undefined),
    // A commit's tree, for the verdict cache: distinct per commit, as git's would be.
    treeOf: async (commit) => `tree-of-${commit}`,
    head: async () => state.head,
    currentBranch: async () => undefined,
    isClean: async () => state.clean ?? false,
    worktreeSnapshot: async () => Promise.reject(new Error('the pre-push hook never reads the working tree')),
    stagedFiles: async () => Promise.reject(new Error('the pre-push hook never reads the index')),
    unmergedFiles: async () => Promise.reject(new Error('the pre-push hook never reads the index')),
    commitIndex: async () => Promise.reject(new Error('the pre-push hook never reads the index')),
    remoteTrackingRefs: async () => state.remoteRefs ?? [],
    newCommits: async (tip, base) => (base ? (state.ranges?.[`${base}..${tip}`] ?? []) : (state.newCommits?.[tip] ?? [])),
    changedFiles: async (base, tip) => state.diffs?.[`${base}..${tip}`] ?? [],
    filesTouched: async (tip) => state.touched?.[tip] ?? [],
    addDetachedWorktree: async (directory, commit) => {
      calls.push(`add ${commit}`)
      worktrees.add(directory)
    },
    removeWorktree: async (directory) => {
      calls.push('remove')
      worktrees.delete(directory)
    },
    worktrees: async () => [top, ...worktrees],
  }
  return {api, calls, worktrees}
}

export function recordingTerminal() {
  const lines: string[] = []
  const terminal: Terminal = {
    out: (text) => lines.push(text),
    error: (text) => lines.push(text),
    problem: (message, nextSteps = []) => lines.push(`Error: ${message}`, ...nextSteps.map((step) => `  → ${step}`)),
    debug: () => {},
    color: new Chalk({level: 0}),
    isTTY: false,
  }
  return {terminal, lines, text: () => lines.join('\n')}
}
