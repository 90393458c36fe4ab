// Flags every operator command shares (deploy, rollback, releases, status, cleanup, lock), and the options
// every operator service receives from them. Commands only: services never see a flag.
import {Flags} from '@oclif/core'

import type {CleanupStack} from '../lifecycle/cleanup.js'
import type {Terminal} from '../adapters/terminal.js'
import type {OperatorOptions} from '../deploy/select.js'

export const operatorFlags = {
  env: Flags.string({char: 'e', description: 'The environment (a key of `environments` in the configuration).', required: true}),
  cwd: Flags.directory({description: 'The repository whose configuration names the environment.', default: '.'}),
}

export const lockWaitFlags = {
  wait: Flags.boolean({description: 'Queue for the lock when someone else holds it, instead of exiting 5.'}),
  'wait-timeout': Flags.integer({description: 'With --wait: give up after this many seconds.', default: 1800, min: 1}),
}

/** How a change is confirmed or previewed: the same words on deploy and rollback. */
export const confirmationFlags = {
  'dry-run': Flags.boolean({description: 'Print the exact plan and change nothing.'}),
  yes: Flags.boolean({char: 'y', description: 'Confirm without typing the environment name (non-interactive shells).'}),
  approve: Flags.boolean({description: 'CI: record the approval given by the pipeline (needs --yes).'}),
}

/** A dry run's output: the plan, then the promise that nothing changed. */
export function dryRunLines(plan: string[]): string[] {
  return [...plan, 'Dry run: nothing was changed.']
}

export function waitSeconds(flags: {wait?: boolean; 'wait-timeout': number}): number {
  return flags.wait ? flags['wait-timeout'] : 0
}

export function operatorOptions(flags: {env: string; cwd: string}, cleanup: CleanupStack, terminal: Terminal): OperatorOptions {
  return {cwd: flags.cwd, environment: flags.env, hostEnv: process.env, log: (line) => terminal.error(line), cleanup}
}
