// `cicd rollback`: the plan (target release, backup) checked before anything changes, confirmation, the
// lock, then the six journaled steps; or, with --resume, the rest of a rollback that was interrupted.
import type {Prompter} from '../adapters/prompt.js'
import {UsageError} from '../errors.js'
import {confirmAction, requireApproval} from '../deploy/confirm.js'
import {holdLock} from '../deploy/lease.js'
import {describeRollback, executeRollback, planFromRun, planRollback, rollbackReport, undoHint, type RollbackOutcome, type RollbackPlan} from '../deploy/rollback-flow.js'
import {openForCommand, type OperatorOptions} from '../deploy/select.js'

export interface RollbackOptions extends OperatorOptions {
  to?: number
  dryRun: boolean
  resume: boolean
  yes: boolean
  approve: boolean
  dbRestore: boolean
  force: boolean
  waitSeconds: number
  reason?: string
  prompter: Prompter
}

export type RollbackResult = {dryRun: true; plan: string[]} | {dryRun: false; plan: RollbackPlan; outcome: RollbackOutcome; report: string[]}

export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
  const {env, ctx} = await openForCommand(options)
  const unfinished = await ctx.store.unfinishedRun('rollback')
  if (options.resume && !unfinished) throw new UsageError(`${env.name} has no interrupted rollback to resume`, [`Start one: cicd rollback --env ${env.name}`])
  if (!options.resume && unfinished?.status === 'running') {
    throw new UsageError(`Rollback run #${unfinished.id} of ${env.name} was interrupted before it finished`, [`Finish it: cicd rollback --env ${env.name} --resume`])
  }
  const plan = options.resume && unfinished
    ? await planFromRun(ctx, unfinished)
    : await planRollback(ctx, {to: options.to, dbRestore: options.dbRestore, force: options.force, reason: options.reason})
  const planText = describeRollback(ctx, plan)
  if (options.resume && unfinished) planText.unshift(`Resuming rollback run #${unfinished.id}; steps the journal shows as finished are skipped.`)
  if (options.dryRun) return {dryRun: true, plan: planText}
  for (const line of planText) options.log(line)
  await confirmAction({env, action: `Roll back ${env.name} to ${plan.target.version}`, yes: options.yes, prompter: options.prompter})
  const approver = await requireApproval({env, action: `Roll back to ${plan.target.version}`, approve: options.approve, yes: options.yes, actor: ctx.actor, prompter: options.prompter})
  const held = await holdLock(ctx, {reason: plan.reason, operation: 'rollback', waitSeconds: options.waitSeconds})
  if (approver) await ctx.store.audit(ctx.actor, 'approval', {approver, rollbackTo: plan.target.id})
  const outcome = await executeRollback(ctx, plan, {held, resume: options.resume ? unfinished : undefined})
  return {dryRun: false, plan, outcome, report: [...rollbackReport(outcome), ...undoHint(ctx, plan, outcome)]}
}
