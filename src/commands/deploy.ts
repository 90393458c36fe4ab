import {Flags} from '@oclif/core'

import {createPrompter} from '../adapters/prompt.js'
import {BaseCommand} from '../base-command.js'
import {confirmationFlags, dryRunLines, lockWaitFlags, operatorFlags, operatorOptions, waitSeconds} from '../flags/operator.js'
import {EXIT_CODES_HELP} from '../errors.js'
import {deploy} from '../services/deploy.js'

export default class Deploy extends BaseCommand<typeof Deploy> {
  static override summary = 'Deploy a version to an environment (rolling or blue-green), rolling back by itself on failure.'
  static override description = `Checks the branch policy, resolves the version's images on every engine and reaches the databases before anything changes. Then, holding the environment's lock: backup (pg_dump, checksummed, verified), migrations, the rollout, verification. A failed health check rolls back automatically to the live release and exits 4. Production needs an approval.

${EXIT_CODES_HELP}`

  static override examples = [
    '<%= config.bin %> deploy --env staging --version v2 --dry-run',
    '<%= config.bin %> deploy --env staging --version v2 --yes',
    '<%= config.bin %> deploy --env production --version v2 --approve --yes   # CI, after its approval step',
  ]

  static override flags = {
    ...operatorFlags,
    ...lockWaitFlags,
    ...confirmationFlags,
    version: Flags.string({description: 'The version (image tag) to deploy; default: the current commit.'}),
    reason: Flags.string({description: 'Why, for the lock and the audit log.'}),
  }

  public async run(): Promise<void> {
    const {flags} = this
    const result = await deploy({
      ...operatorOptions(flags, this.cleanup, this.terminal),
      version: flags.version,
      dryRun: flags['dry-run'],
      yes: flags.yes,
      approve: flags.approve,
      waitSeconds: waitSeconds(flags),
      reason: flags.reason,
      prompter: createPrompter(),
    })
    if (result.dryRun) {
      for (const line of dryRunLines(result.plan)) this.terminal.out(line)
      return
    }
    const {release, runId, kept} = result.outcome
    this.terminal.out(`Deployed ${release.version} to ${flags.env}: release #${release.id} is live and verified (run #${runId}).`)
    if (kept) this.terminal.out(kept)
    this.terminal.out(`To undo: cicd rollback --env ${flags.env}`)
  }
}
