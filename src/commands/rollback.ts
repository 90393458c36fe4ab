import {Flags} from '@oclif/core'

import {createPrompter} from '../adapters/prompt.js'
import {BaseCommand} from '../base-command.js'
import {confirmationFlags, dryRunLines, lockWaitFlags, operatorFlags, operatorOptions, waitSeconds} from '../flags/operator.js'
import {EXIT_CODES_HELP} from '../errors.js'
import {rollback} from '../services/rollback.js'

export default class Rollback extends BaseCommand<typeof Rollback> {
  static override summary = 'Roll an environment back to an earlier release, database included, step by step.'
  static override description = `Follows the documented rollback flow: (1) CRITICAL alert, lock, incident; (2) stop the current version (out of the load balancer, drain, graceful stop); (3) restore the database from the last verified backup taken before the bad release, after a safety backup of the current data, and verify every table's rows and checksum; (4) start the previous release with its own images and configuration; (5) verify; (6) unlock, notify, close the incident. Each step is journaled in the state database; --resume finishes an interrupted rollback. It ends with the time of each step and how to undo.

${EXIT_CODES_HELP}`

  static override examples = [
    '<%= config.bin %> rollback --env staging --dry-run',
    '<%= config.bin %> rollback --env staging --yes',
    '<%= config.bin %> rollback --env production --to 41 --no-db-restore --approve --yes',
    '<%= config.bin %> rollback --env staging --resume --yes',
  ]

  static override flags = {
    ...operatorFlags,
    ...lockWaitFlags,
    ...confirmationFlags,
    to: Flags.integer({description: 'The release to return to (default: the newest verified release before the live one).'}),
    resume: Flags.boolean({description: 'Finish the rollback that was interrupted, from the step its journal stopped at.'}),
    'db-restore': Flags.boolean({description: 'Restore the database (step 3); --no-db-restore leaves the data as it is.', default: true, allowNo: true}),
    force: Flags.boolean({description: 'Accept a backup older than the configured limit, or a target that is not verified.'}),
    reason: Flags.string({description: 'Why, for the notification, the incident and the audit log.'}),
  }

  public async run(): Promise<void> {
    const {flags} = this
    const result = await rollback({
      ...operatorOptions(flags, this.cleanup, this.terminal),
      to: flags.to,
      dryRun: flags['dry-run'],
      resume: flags.resume,
      yes: flags.yes,
      approve: flags.approve,
      dbRestore: flags['db-restore'],
      force: flags.force,
      waitSeconds: waitSeconds(flags),
      reason: flags.reason,
      prompter: createPrompter(),
    })
    if (result.dryRun) {
      for (const line of dryRunLines(result.plan)) this.terminal.out(line)
      return
    }
    const {plan, outcome} = result
    this.terminal.out(`Rolled back ${flags.env} to release #${plan.target.id} (${plan.target.version}); release #${plan.current.id} (${plan.current.version}) is marked rolled-back; incident #${outcome.incidentId} closed.`)
    for (const line of result.report) this.terminal.out(line)
  }
}
