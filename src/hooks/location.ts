// Where cicd's hook file goes so that git actually runs it: git's hooks directory (core.hooksPath when
// set, so also a shared hooks directory), except under husky 9, whose core.hooksPath (`.husky/_`) holds
// generated wrappers that run `.husky/<hook>`: cicd's hook goes there, beside the team's husky hooks.
import path from 'node:path'

import {CHAINED_SUFFIX, type HookName, type HookStyle} from './script.js'

export interface HookLocation {
  /** The directory the hook file goes in. */
  dir: string
  style: HookStyle
  /** Where git looks for hooks (differs from `dir` under husky 9). */
  gitHooksDir: string
}

export function hookLocation(gitHooksDir: string): HookLocation {
  if (path.basename(gitHooksDir) === '_' && path.basename(path.dirname(gitHooksDir)) === '.husky') {
    return {dir: path.dirname(gitHooksDir), style: 'husky', gitHooksDir}
  }
  return {dir: gitHooksDir, style: 'git', gitHooksDir}
}

export function hookFile(location: HookLocation, hook: HookName): string {
  return path.join(location.dir, hook)
}

export function chainedFile(location: HookLocation, hook: HookName): string {
  return `${hookFile(location, hook)}${CHAINED_SUFFIX}`
}
