import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {operatorFlags, operatorOptions} from '../../flags/operator.js'
import {EXIT_CODES_HELP} from '../../errors.js'
import {lockStatus} from '../../services/lock.js'

export default class LockStatus extends BaseCommand<typeof LockStatus> {
  static override summary = "Show who holds an environment's deployment lock, since when, and until when the lease runs."
  static override description = EXIT_CODES_HELP
  static override examples = ['<%= config.bin %> lock status --env staging']
  static override flags = {...operatorFlags, json: Flags.boolean({description: 'Print one JSON document on stdout and nothing else.'})}

  public async run(): Promise<void> {
    const result = await lockStatus(operatorOptions(this.flags, this.cleanup, this.terminal))
    this.terminal.out(this.flags.json ? JSON.stringify({environment: result.environment, lock: result.lock}, null, 2) : result.text)
  }
}
