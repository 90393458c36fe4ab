// The human form of `cicd hooks install | uninstall | status` results.
import type {HookStatus, InstallResult, UninstallResult} from '../services/hooks.js'

export function renderInstall(results: InstallResult[]): string {
  return results
    .map((result) => {
      const line = {
        installed: `Installed the ${result.hook} hook: ${result.file}`,
        updated: `Updated the ${result.hook} hook to the current script: ${result.file}`,
        overwritten: `Overwrote the hand-edited ${result.hook} hook: ${result.file}`,
        unchanged: `The ${result.hook} hook is already installed and current: ${result.file} (nothing changed)`,
      }[result.action]
      return result.chained ? `${line}\n  It runs the earlier hook first: ${result.chained}` : line
    })
    .join('\n')
}

export function renderUninstall(results: UninstallResult[]): string {
  return results
    .map((result) => {
      if (result.action === 'not-installed') return `No cicd ${result.hook} hook at ${result.file}; nothing to remove.`
      const line = `Removed the ${result.hook} hook: ${result.file}`
      return result.restored ? `${line}\n  Restored the earlier hook: ${result.restored}` : line
    })
    .join('\n')
}

export function renderStatus(statuses: HookStatus[]): string {
  return statuses
    .map((status) => {
      const state = {
        missing: 'not installed',
        current: 'installed, current',
        outdated: 'installed, an older script',
        edited: 'installed, edited by hand',
        foreign: 'not installed (the file there is another hook)',
      }[status.state]
      const lines = [`${status.hook}: ${state}${status.active ? ', git runs it' : ''}`, `  file: ${status.file}${status.style === 'husky' ? ' (run by husky)' : ''}`]
      if (status.chained) lines.push(`  runs first: ${status.chained}`)
      for (const problem of status.problems) lines.push(`  problem: ${problem}`)
      if (status.state === 'missing' || status.state === 'foreign') {
        lines.push(status.hook === 'pre-commit' ? '  optional (file-local checks on staged files): cicd hooks install --pre-commit' : '  install it: cicd hooks install')
      }
      return lines.join('\n')
    })
    .join('\n')
}
