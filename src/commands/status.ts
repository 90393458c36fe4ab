import {Flags} from '@oclif/core'

import {BaseCommand, ExitWithCode} from '../base-command.js'
import {operatorFlags, operatorOptions} from '../flags/operator.js'
import {EXIT_CODES_HELP, ExitCode} from '../errors.js'
import {environmentStatus, renderStatus} from '../services/status.js'

export default class Status extends BaseCommand<typeof Status> {
  static override summary = 'Show what runs where in an environment, read from the engines and reconciled with the records.'
  static override description = `Lists the live release's instances (running, stopped or missing), idle instances kept for a rollback, strays, the load balancer's backends and the lock. Exits 1 when the engines disagree with the records.

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> status --env staging', '<%= config.bin %> status --env production --json']

  static override flags = {
    ...operatorFlags,
    json: Flags.boolean({description: 'Print one JSON document on stdout and nothing else.'}),
  }

  public async run(): Promise<void> {
    const {flags} = this
    const report = await environmentStatus(operatorOptions(flags, this.cleanup, this.terminal))
    if (flags.json) this.terminal.out(JSON.stringify(report, null, 2))
    else for (const line of renderStatus(report)) this.terminal.out(line)
    if (report.problems.length > 0) throw new ExitWithCode(ExitCode.checkFailed)
  }
}
