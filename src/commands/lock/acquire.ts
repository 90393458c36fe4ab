import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {lockWaitFlags, operatorFlags, operatorOptions, waitSeconds} from '../../flags/operator.js'
import {EXIT_CODES_HELP} from '../../errors.js'
import {lockAcquire} from '../../services/lock.js'

export default class LockAcquire extends BaseCommand<typeof LockAcquire> {
  static override summary = 'Lock an environment by hand (maintenance, a freeze): deploys and rollbacks exit 5 until it is released.'
  static override description = EXIT_CODES_HELP
  static override examples = ['<%= config.bin %> lock acquire --env production --reason "database maintenance"']
  static override flags = {...operatorFlags, ...lockWaitFlags, reason: Flags.string({description: 'Why, shown to whoever finds it locked.', required: true})}

  public async run(): Promise<void> {
    this.terminal.out(await lockAcquire({...operatorOptions(this.flags, this.cleanup, this.terminal), reason: this.flags.reason, waitSeconds: waitSeconds(this.flags)}))
  }
}
