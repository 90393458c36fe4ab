import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {operatorFlags, operatorOptions} from '../../flags/operator.js'
import {EXIT_CODES_HELP} from '../../errors.js'
import {lockRelease} from '../../services/lock.js'

export default class LockRelease extends BaseCommand<typeof LockRelease> {
  static override summary = 'Release your manual lock, or with --force --reason, break anyone’s (audited).'
  static override description = EXIT_CODES_HELP
  static override examples = ['<%= config.bin %> lock release --env production', '<%= config.bin %> lock release --env staging --force --reason "holder crashed"']
  static override flags = {
    ...operatorFlags,
    force: Flags.boolean({description: 'Break a lock held by someone else (or by a rollback that escalated).'}),
    reason: Flags.string({description: 'Why (required with --force, kept in the audit log).'}),
  }

  public async run(): Promise<void> {
    this.terminal.out(await lockRelease({...operatorOptions(this.flags, this.cleanup, this.terminal), force: this.flags.force, reason: this.flags.reason}))
  }
}
