// `cicd hooks install | uninstall | status`: put cicd's hook where git will run it, keep and chain the hook
// that was there (it runs first, and comes back on uninstall), never overwrite a hand-edited hook without
// --force, and say when something stops git from running the hook.
import path from 'node:path'

import type {GitRepository, HookFiles} from '../adapters/git.js'
import {CicdError, ExitCode, UsageError} from '../errors.js'
import {chainedFile, hookFile, hookLocation, type HookLocation} from '../hooks/location.js'
import {classifyHookFile, HOOK_NAMES, renderHookScript, type HookName, type HookStyle} from '../hooks/script.js'

export interface HooksOptions {
  git: GitRepository
  files: HookFiles
}

export type HookState = 'missing' | 'current' | 'outdated' | 'edited' | 'foreign'

export interface HookStatus {
  hook: HookName
  file: string
  style: HookStyle
  state: HookState
  executable: boolean
  /** The earlier hook cicd's runs first, when there is one. */
  chained?: string
  /** What stops git from running cicd's hook, each with its fix. */
  problems: string[]
  /** Installed, current, and run by git. */
  active: boolean
}

export interface InstallResult {
  hook: HookName
  file: string
  action: 'installed' | 'unchanged' | 'updated' | 'overwritten'
  chained?: string
}

export interface UninstallResult {
  hook: HookName
  file: string
  action: 'removed' | 'not-installed'
  restored?: string
}

async function locate(git: GitRepository): Promise<{location: HookLocation; commonHooksDir: string}> {
  try {
    await git.topLevel()
  } catch (error) {
    throw new UsageError(
      'This is not a git working tree, so there is nowhere to install a hook.',
      ['Run cicd hooks inside your repository (a clone with a working tree, not a bare repository)'],
      error,
    )
  }
  const [gitHooksDir, commonDir] = await Promise.all([git.hooksDir(), git.commonDir()])
  return {location: hookLocation(gitHooksDir), commonHooksDir: path.join(commonDir, 'hooks')}
}

async function readState(files: HookFiles, file: string, hook: HookName, style: HookStyle): Promise<HookState> {
  const content = await files.read(file)
  if (content === undefined) return 'missing'
  const state = classifyHookFile(content, hook, style)
  if (state.kind === 'foreign') return 'foreign'
  if (state.edited) return 'edited'
  return state.current ? 'current' : 'outdated'
}

function editedError(file: string, chained: string, action: 'overwrite' | 'remove'): CicdError {
  return new CicdError(`${file} is cicd's hook, edited by hand since it was installed; cicd will not ${action} your edits.`, {
    exitCode: ExitCode.usage,
    nextSteps: [
      `To keep extra commands, move them into ${chained}: cicd's hook runs that file first`,
      `To ${action} the file anyway: cicd hooks ${action === 'overwrite' ? 'install' : 'uninstall'} --force`,
    ],
  })
}

/**
 * Installs the pre-push hook, and the pre-commit hook when `preCommit` asks for it or cicd's is there
 * already (so that installing again updates it rather than leaving an older script behind).
 */
export async function installHooks(options: HooksOptions & {force?: boolean; preCommit?: boolean}): Promise<InstallResult[]> {
  const {location} = await locate(options.git)
  const results: InstallResult[] = []
  for (const hook of HOOK_NAMES) {
    const file = hookFile(location, hook)
    const chained = chainedFile(location, hook)
    const script = renderHookScript(hook, location.style)
    const state = await readState(options.files, file, hook, location.style)
    if (hook === 'pre-commit' && !options.preCommit && (state === 'missing' || state === 'foreign')) continue
    const chainedPresent = (await options.files.read(chained)) !== undefined
    const result = (action: InstallResult['action']): InstallResult =>
      ({hook, file, action, ...(chainedPresent || state === 'foreign' ? {chained} : {})})

    if (state === 'current' && (location.style === 'husky' || (await options.files.isExecutable(file)))) {
      results.push(result('unchanged'))
      continue
    }
    if (state === 'edited' && !options.force) throw editedError(file, chained, 'overwrite')
    if (state === 'foreign') {
      if (chainedPresent) {
        throw new UsageError(`Both ${file} and ${chained} are hooks that are not cicd's; installing would replace one of them.`, [
          `Merge them into ${chained} (cicd's hook runs it first), delete ${file}, then run cicd hooks install again`,
        ])
      }
      await options.files.rename(file, chained)
    }
    await options.files.writeExecutable(file, script)
    const action = {missing: 'installed', foreign: 'installed', edited: 'overwritten', outdated: 'updated', current: 'updated'} as const
    results.push(result(action[state]))
  }
  return results
}

export async function uninstallHooks(options: HooksOptions & {force?: boolean}): Promise<UninstallResult[]> {
  const {location} = await locate(options.git)
  const results: UninstallResult[] = []
  for (const hook of HOOK_NAMES) {
    const file = hookFile(location, hook)
    const chained = chainedFile(location, hook)
    const state = await readState(options.files, file, hook, location.style)
    if (state === 'missing' || state === 'foreign') {
      // The optional pre-commit hook, never installed, is not worth a line.
      if (hook === 'pre-push') results.push({hook, file, action: 'not-installed'})
      continue
    }
    if (state === 'edited' && !options.force) throw editedError(file, chained, 'remove')
    await options.files.remove(file)
    if ((await options.files.read(chained)) === undefined) {
      results.push({hook, file, action: 'removed'})
    } else {
      await options.files.rename(chained, file)
      results.push({hook, file, action: 'removed', restored: file})
    }
  }
  return results
}

export async function hooksStatus(options: HooksOptions): Promise<HookStatus[]> {
  const {location, commonHooksDir} = await locate(options.git)
  const statuses: HookStatus[] = []
  for (const hook of HOOK_NAMES) {
    const file = hookFile(location, hook)
    const chained = chainedFile(location, hook)
    const state = await readState(options.files, file, hook, location.style)
    const executable = state !== 'missing' && (await options.files.isExecutable(file))
    const ours = state === 'current' || state === 'outdated' || state === 'edited'
    const problems: string[] = []

    if (ours && location.style === 'git' && !executable) {
      problems.push(`${file} is not executable, so git ignores it: run cicd hooks install`)
    }
    if (location.style === 'husky' && (await options.files.read(path.join(location.gitHooksDir, hook))) === undefined) {
      problems.push(`husky's wrapper ${path.join(location.gitHooksDir, hook)} is missing, so git runs no ${hook} hook: run npx husky (or npm install)`)
    }
    const shadowed = path.join(commonHooksDir, hook)
    if (path.resolve(shadowed) !== path.resolve(file)) {
      const content = await options.files.read(shadowed)
      if (content !== undefined && classifyHookFile(content, hook, 'git').kind === 'ours') {
        problems.push(
          `${shadowed} is a cicd hook git never runs, because core.hooksPath points to ${location.gitHooksDir}: delete it${ours ? '' : ', and run cicd hooks install'}`,
        )
      }
    }
    if (state === 'outdated') problems.push(`${file} is an older cicd hook: run cicd hooks install to update it`)
    if (state === 'edited') problems.push(`${file} was edited by hand: cicd hooks install --force restores cicd's script`)

    statuses.push({
      hook,
      file,
      style: location.style,
      state,
      executable,
      ...((await options.files.read(chained)) === undefined ? {} : {chained}),
      problems,
      active: state === 'current' && problems.length === 0,
    })
  }
  return statuses
}
