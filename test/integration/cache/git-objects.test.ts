// Content ids from a real repository: the index's blob id for unchanged files, the working copy's for
// modified and untracked ones, nothing for deleted ones; and one cache directory for all linked worktrees.
import {mkdtemp, rm, symlink} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {openGitObjects} from '../../../src/adapters/git-objects.js'
import {openResultCache} from '../../../src/cache/result-cache.js'
import {createTempRepo, type TempRepo} from '../../helpers/repo.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function repoWithHistory(): Promise<TempRepo> {
  const repo = await createTempRepo({prefix: 'cicd-git-objects-'})
  cleanups.push(() => repo.remove())
  await repo.write('pkg/__init__.py', '')
  await repo.write('pkg/tracked.py', 'A = 1\n')
  await repo.write('pkg/modified.py', 'B = 1\n')
  await repo.write('pkg/deleted.py', 'C = 1\n')
  await repo.write('pkg/-dash.py', 'D = 1\n')
  await repo.write('pkg/space name.py', 'E = 1\n')
  await repo.commitAll('initial')
  await repo.write('pkg/modified.py', 'B = 2\n')
  await repo.write('pkg/untracked.py', 'F = 1\n')
  await rm(path.join(repo.dir, 'pkg/deleted.py'))
  return repo
}

describe('openGitObjects', () => {
  it('gives the blob id of what is on disk for tracked, modified, untracked and oddly named files, and none for a deleted one', async () => {
    const repo = await repoWithHistory()
    await symlink('tracked.py', path.join(repo.dir, 'pkg/link.py'))
    const files = ['pkg/tracked.py', 'pkg/modified.py', 'pkg/untracked.py', 'pkg/-dash.py', 'pkg/space name.py', 'pkg/link.py', 'pkg/deleted.py', 'pkg/never.py']
    const ids = await openGitObjects(repo.dir).blobIds(files)
    for (const file of ['pkg/tracked.py', 'pkg/modified.py', 'pkg/untracked.py', 'pkg/-dash.py', 'pkg/space name.py']) {
      expect(ids.get(file), file).toBe((await repo.git('hash-object', '--', file)).trim())
    }
    // A symlink is keyed on the content the tools read through it.
    expect(ids.get('pkg/link.py')).toBe(ids.get('pkg/tracked.py'))
    expect(ids.has('pkg/deleted.py')).toBe(false)
    expect(ids.has('pkg/never.py')).toBe(false)
    // Nothing was written to the index or the object store.
    expect(await repo.git('status', '--porcelain')).toContain(' M pkg/modified.py')
    await expect(repo.git('cat-file', '-e', ids.get('pkg/untracked.py')!)).rejects.toThrow()
  })

  it('answers with paths relative to a project root below the top level', async () => {
    const repo = await repoWithHistory()
    const ids = await openGitObjects(path.join(repo.dir, 'pkg')).blobIds(['tracked.py', 'modified.py', 'untracked.py'])
    expect(ids.get('tracked.py')).toBe((await repo.git('hash-object', 'pkg/tracked.py')).trim())
    expect(ids.get('modified.py')).toBe((await repo.git('hash-object', 'pkg/modified.py')).trim())
    expect(ids.get('untracked.py')).toBe((await repo.git('hash-object', 'pkg/untracked.py')).trim())
  })

  it('gives a linked worktree the same common dir, so both use one cache', async () => {
    const repo = await repoWithHistory()
    const parent = await mkdtemp(path.join(os.tmpdir(), 'cicd-worktree-'))
    cleanups.push(() => rm(parent, {recursive: true, force: true}))
    const linked = path.join(parent, 'linked')
    await repo.git('worktree', 'add', '--detach', '--quiet', linked, 'HEAD')
    cleanups.push(async () => {
      await repo.git('worktree', 'remove', '--force', linked).catch(() => {})
    })

    const main = await openResultCache({root: repo.dir, enabled: true, maxSizeMb: 5, cicdVersion: 't', warn: () => {}})
    const other = await openResultCache({root: linked, enabled: true, maxSizeMb: 5, cicdVersion: 't', warn: () => {}})
    expect(main.dir).toBe(path.join(await openGitObjects(repo.dir).commonDir(), 'cicd', 'cache'))
    expect(other.dir).toBe(main.dir)

    // A result stored from the main worktree is replayed in the linked one (same file, same content).
    const scopeInput = {check: 'flake8', tool: {identity: 'x', version: '1'}, settings: {args: []}, configFiles: []}
    const mainContents = await main.contents(['pkg/tracked.py'])
    const first = await main.fileLocal(main.scope({...scopeInput, contents: mainContents}), ['pkg/tracked.py'], mainContents)
    expect(first.misses).toEqual(['pkg/tracked.py'])
    expect(await first.save([])).toBe(true)
    const linkedContents = await other.contents(['pkg/tracked.py'])
    const second = await other.fileLocal(other.scope({...scopeInput, contents: linkedContents}), ['pkg/tracked.py'], linkedContents)
    expect(second.misses).toEqual([])
    expect(second.hits.get('pkg/tracked.py')).toEqual([])
  })
})
