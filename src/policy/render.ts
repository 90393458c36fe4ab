// The human form of a branch's policy, as `cicd policy` prints it.
import type {BranchPolicy, DeployStep} from './branch-policy.js'

function describeDeploy(step: DeployStep): string {
  const when = step.automatic ? 'automatic' : 'started by an operator'
  return `${step.environment} (${when}${step.approval ? ', after a manual approval' : ''})`
}

export function renderPolicy(report: BranchPolicy & {branch: string}): string {
  const hookScope = report.scope === 'changed' ? 'the Python files the pushed commits change' : 'the whole pushed tree'
  return [
    `${report.branch}  (rule ${report.rule})`,
    `  CI runs:        ${report.phases.join(', ')}`,
    `  Deploys:        ${report.deploy.length === 0 ? 'never' : report.deploy.map(describeDeploy).join(', then ')}`,
    `  Pre-push hook:  ${report.phases.join(', ')} on ${hookScope}`,
    `  Direct pushes:  ${report.refuseDirectPush ? 'refused by the pre-push hook (open a pull request)' : 'allowed'}`,
  ].join('\n')
}
