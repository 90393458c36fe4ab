import {describe, expect, it} from 'vitest'

import type {Prompter} from '../../../src/adapters/prompt.js'
import {environmentsSchema} from '../../../src/config/environments-schema.js'
import {confirmAction, requireApproval} from '../../../src/deploy/confirm.js'
import {CicdError, ExitCode} from '../../../src/errors.js'

const envs = environmentsSchema.parse({staging: {}, production: {approval: {approvers: ['alice']}}})

function prompter(answers: (string | undefined)[], interactive = true): Prompter {
  return {interactive, ask: async () => answers.shift()}
}

async function exitOf(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise
    return undefined
  } catch (error) {
    return (error as CicdError).exitCode
  }
}

describe('confirmation', () => {
  it('asks for the environment name, refuses a wrong one, and needs --yes without a terminal', async () => {
    expect(await exitOf(confirmAction({env: envs.staging, action: 'Deploy', yes: false, prompter: prompter(['staging'])}))).toBeUndefined()
    expect(await exitOf(confirmAction({env: envs.staging, action: 'Deploy', yes: false, prompter: prompter(['prod'])}))).toBe(ExitCode.approval)
    expect(await exitOf(confirmAction({env: envs.staging, action: 'Deploy', yes: false, prompter: prompter([], false)}))).toBe(ExitCode.usage)
    expect(await exitOf(confirmAction({env: envs.staging, action: 'Deploy', yes: true, prompter: prompter([], false)}))).toBeUndefined()
  })
})

describe('approval', () => {
  const base = {action: 'Deploy v2', actor: 'ci', approve: false, yes: true}
  it('is not asked where the environment does not require it', async () => {
    expect(await requireApproval({...base, env: envs.staging, prompter: prompter([], false)})).toBeUndefined()
  })

  it('takes a listed approver typing the environment name', async () => {
    expect(await requireApproval({...base, env: envs.production, prompter: prompter(['alice', 'production'])})).toBe('alice')
  })

  it('refuses someone not listed, a timeout, and a non-interactive shell without --approve (exit 6)', async () => {
    expect(await exitOf(requireApproval({...base, env: envs.production, prompter: prompter(['mallory'])}))).toBe(ExitCode.approval)
    expect(await exitOf(requireApproval({...base, env: envs.production, prompter: prompter([undefined])}))).toBe(ExitCode.approval)
    expect(await exitOf(requireApproval({...base, env: envs.production, prompter: prompter([], false)}))).toBe(ExitCode.approval)
  })

  it('accepts CI’s --approve only with --yes', async () => {
    expect(await requireApproval({...base, approve: true, env: envs.production, prompter: prompter([], false)})).toBe('ci (--approve)')
    expect(await exitOf(requireApproval({...base, approve: true, yes: false, env: envs.production, prompter: prompter([], false)}))).toBe(ExitCode.usage)
  })
})
