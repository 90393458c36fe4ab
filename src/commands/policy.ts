import {Args, Flags} from '@oclif/core'

import {openGitRepository} from '../adapters/git.js'
import {BaseCommand} from '../base-command.js'
import {EXIT_CODES_HELP} from '../errors.js'
import {renderPolicy} from '../policy/render.js'
import {describeBranchPolicy, loadPolicy} from '../services/policy.js'

export default class Policy extends BaseCommand<typeof Policy> {
  static override summary = 'Show what CI does for a branch: phases, deploy targets, approvals.'
  static override description = `The branch policy mirrored from CI (the "policy" configuration key over the built-in rules: feature/* checks and never deploys, develop deploys to staging, main to production after an approval, hotfix/* to staging then production). The pre-push hook applies the rule of the branch pushed to, and cicd deploy refuses a branch whose rule does not deploy there.

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> policy', '<%= config.bin %> policy feature/add-trading-pair --json', '<%= config.bin %> policy main']

  static override args = {
    branch: Args.string({description: 'The branch (default: the current one).'}),
  }

  static override flags = {
    json: Flags.boolean({description: 'Print one JSON document on stdout and nothing else.'}),
  }

  public async run(): Promise<void> {
    const {args} = await this.parse(Policy)
    const cwd = process.cwd()
    const report = await describeBranchPolicy({git: openGitRepository(cwd), branch: args.branch, cwd, loadPolicy})
    this.terminal.out(this.flags.json ? JSON.stringify(report, null, 2) : renderPolicy(report))
  }
}
