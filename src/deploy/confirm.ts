// Operator commands are safe by default: the environment's name typed back (or --yes where nobody can type),
// and for an environment that requires it, an approval by a listed approver (or --approve --yes from CI).
import {CicdError, ExitCode, UsageError} from '../errors.js'
import type {EnvironmentConfig} from '../config/environments-schema.js'
import type {Prompter} from '../adapters/prompt.js'

export async function confirmAction(options: {env: EnvironmentConfig; action: string; yes: boolean; prompter: Prompter}): Promise<void> {
  const {env, action, yes, prompter} = options
  if (yes) return
  if (!prompter.interactive) {
    throw new UsageError(`${action} needs a confirmation, and this shell is not interactive`, [`Pass --yes to confirm ${action} on ${env.name}`])
  }
  const answer = await prompter.ask(`${action}. Type the environment name (${env.name}) to go on: `, 5 * 60_000)
  if (answer !== env.name) {
    throw new CicdError(`Not confirmed (${answer === undefined ? 'no answer within 5 minutes' : `typed "${answer}"`}); nothing was changed`, {exitCode: ExitCode.approval})
  }
}

/** Returns who approved, for the audit log. */
export async function requireApproval(options: {env: EnvironmentConfig; action: string; approve: boolean; yes: boolean; actor: string; prompter: Prompter}): Promise<string | undefined> {
  const {env, action, approve, yes, actor, prompter} = options
  if (!env.approval.required) return undefined
  if (approve) {
    if (!yes) throw new UsageError('--approve is for CI and needs --yes as well', [`Run: cicd … --env ${env.name} --approve --yes`])
    return `${actor} (--approve)`
  }
  const listed = env.approval.approvers
  if (!prompter.interactive) {
    throw new CicdError(`${action} on ${env.name} needs an approval, and this shell is not interactive`, {
      exitCode: ExitCode.approval,
      nextSteps: [`An approver (${listed.join(', ') || 'see environments.' + env.name + '.approval.approvers'}) runs it in a terminal, or CI passes --approve --yes`],
    })
  }
  const deadline = Date.now() + env.approval.timeoutMinutes * 60_000
  const name = await prompter.ask(`${action} on ${env.name} needs an approval. Approver (${listed.join(', ')}): `, deadline - Date.now())
  if (name === undefined) throw timedOut(env)
  if (!listed.includes(name)) throw new CicdError(`${name || 'nobody'} is not an approver of ${env.name}; nothing was changed`, {exitCode: ExitCode.approval, nextSteps: [`Approvers: ${listed.join(', ') || 'none configured'}`]})
  const typed = await prompter.ask(`${name}, type ${env.name} to approve: `, Math.max(1, deadline - Date.now()))
  if (typed === undefined) throw timedOut(env)
  if (typed !== env.name) throw new CicdError(`Approval refused (typed "${typed}"); nothing was changed`, {exitCode: ExitCode.approval})
  return name
}

function timedOut(env: EnvironmentConfig): CicdError {
  return new CicdError(`No approval within ${env.approval.timeoutMinutes} minutes; nothing was changed`, {exitCode: ExitCode.approval})
}
