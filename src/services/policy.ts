// `cicd policy [BRANCH]`: what CI does for a branch (phases, deploy targets, approvals) under the
// repository's configured branch policy. Also the loader the pre-push hook uses to read a tree's policy.
import type {GitRepository} from '../adapters/git.js'
import {UsageError} from '../errors.js'
import {branchName, resolveBranchPolicy, type BranchPolicy} from '../policy/branch-policy.js'
import type {PolicyConfig} from '../policy/schema.js'

export interface PolicyReport extends BranchPolicy {
  branch: string
  /** False: CI never deploys this branch. */
  deploys: boolean
}

/** The `policy` section of the configuration in `root`. */
export async function loadPolicy(root: string): Promise<PolicyConfig> {
  const {loadConfig} = await import('../config/load.js')
  return (await loadConfig({root})).config.policy
}

export async function describeBranchPolicy(options: {
  git: GitRepository
  branch?: string
  cwd: string
  loadPolicy: (root: string) => Promise<PolicyConfig | undefined>
}): Promise<PolicyReport> {
  const root = await options.git.topLevel().catch(() => undefined)
  let branch = options.branch
  if (branch === undefined) {
    if (root === undefined) {
      throw new UsageError('Name a branch: this is not a git repository, so there is no current branch.', ['cicd policy feature/my-change'])
    }
    branch = await options.git.currentBranch()
    if (branch === undefined) {
      throw new UsageError('HEAD is detached, so there is no current branch to describe.', ['Name the branch: cicd policy main'])
    }
  }
  const name = branchName(branch)
  const policy = resolveBranchPolicy(name, await options.loadPolicy(root ?? options.cwd))
  return {branch: name, ...policy, deploys: policy.deploy.length > 0}
}
