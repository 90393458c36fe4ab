// `cicd deploy`: the branch policy, a plan checked against the real environment before anything changes,
// confirmation and approval, the lock, then the deploy (which rolls back by itself when it fails).
import type {Prompter} from '../adapters/prompt.js'
import {UsageError} from '../errors.js'
import {confirmAction, requireApproval} from '../deploy/confirm.js'
import {describeDeploy, executeDeploy, planDeploy, reconcileAbandoned, type DeployOutcome} from '../deploy/deploy-flow.js'
import {holdLock} from '../deploy/lease.js'
import {openForCommand, type OperatorOptions} from '../deploy/select.js'

export interface DeployOptions extends OperatorOptions {
  version?: string
  dryRun: boolean
  yes: boolean
  approve: boolean
  /** Seconds to queue for the lock; 0 fails at once when it is busy. */
  waitSeconds: number
  reason?: string
  prompter: Prompter
}

export type DeployResult = {dryRun: true; plan: string[]} | {dryRun: false; outcome: DeployOutcome; repaired: string[]}

export async function deploy(options: DeployOptions): Promise<DeployResult> {
  const {root, env, policy, ctx} = await openForCommand(options)
  const [{openGitRepository}, {resolveBranchPolicy}] = await Promise.all([import('../adapters/git.js'), import('../policy/branch-policy.js')])
  const git = openGitRepository(root)
  const branch = (await git.currentBranch()) ?? options.hostEnv.BRANCH_NAME ?? options.hostEnv.GIT_BRANCH
  if (!branch) throw new UsageError('HEAD is detached, so the branch policy cannot tell whether this may deploy', ['Check out the branch, or set BRANCH_NAME as CI does'])
  const rule = resolveBranchPolicy(branch, policy)
  if (!rule.deploy.some((step) => step.environment === env.name)) {
    throw new UsageError(
      `The branch ${branch} may not deploy to ${env.name}: policy rule "${rule.rule}" ${rule.deploy.length === 0 ? 'never deploys' : `deploys only to ${rule.deploy.map((d) => d.environment).join(', ')}`}; nothing was changed`,
      ['Merge into a branch whose rule deploys there (see cicd policy)'],
    )
  }
  const version = options.version ?? (await git.head())?.slice(0, 12)
  if (!version) throw new UsageError('No --version given and the repository has no commit to name one', ['Pass --version <tag or sha>'])

  const plan = await planDeploy(ctx, version)
  const planText = describeDeploy(ctx, plan)
  if (options.dryRun) return {dryRun: true, plan: planText}
  const unfinished = await ctx.store.unfinishedRun('rollback')
  if (unfinished) {
    throw new UsageError(`Rollback run #${unfinished.id} of ${env.name} did not finish (${unfinished.status})`, [`Finish it first: cicd rollback --env ${env.name} --resume`])
  }
  for (const line of planText) options.log(line)
  await confirmAction({env, action: `Deploy ${version} to ${env.name}`, yes: options.yes, prompter: options.prompter})
  const approver = await requireApproval({env, action: `Deploy ${version}`, approve: options.approve, yes: options.yes, actor: ctx.actor, prompter: options.prompter})
  const reason = options.reason ?? `deploy ${version}`
  const held = await holdLock(ctx, {reason, operation: 'deploy', waitSeconds: options.waitSeconds})
  if (approver) await ctx.store.audit(ctx.actor, 'approval', {approver, version})
  // Ctrl-C: what this run changed is undone (the live release back, complete, alone behind the balancer).
  let armed = true
  options.cleanup.add(`deploy of ${version}`, async () => {
    if (!armed) return
    held.abandon()
    await reconcileAbandoned(ctx).catch((error: Error) => options.log(`could not repair ${env.name}: ${ctx.redact(error.message)}; run cicd deploy or cicd rollback again`))
    await held.release()
  })
  const repaired = await reconcileAbandoned(ctx)
  const fresh = repaired.length > 0 ? await planDeploy(ctx, version) : plan
  try {
    const outcome = await executeDeploy(ctx, fresh, {held, reason})
    await held.release()
    return {dryRun: false, outcome, repaired}
  } finally {
    // Finished (or failed and rolled back): nothing left to undo on Ctrl-C.
    armed = false
  }
}
