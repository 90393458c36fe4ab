import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {operatorFlags, operatorOptions} from '../flags/operator.js'
import {EXIT_CODES_HELP} from '../errors.js'
import {listReleases, renderReleases} from '../services/releases.js'

export default class Releases extends BaseCommand<typeof Releases> {
  static override summary = "List an environment's releases (newest first), with runs, journal, backups and incidents on request."
  static override description = `Every deploy records an immutable release: version, image ids, the configuration that re-creates its containers, backup, actor, times and status (deploying, verified, failed, rolled-back).

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> releases --env staging', '<%= config.bin %> releases --env production --runs --backups --incidents', '<%= config.bin %> releases --env staging --json']

  static override flags = {
    ...operatorFlags,
    limit: Flags.integer({description: 'How many releases (and runs, incidents) to show.', default: 20, min: 1}),
    runs: Flags.boolean({description: 'Also show deploy and rollback runs with their journal.'}),
    backups: Flags.boolean({description: 'Also show the database backups.'}),
    incidents: Flags.boolean({description: 'Also show the incidents.'}),
    json: Flags.boolean({description: 'Print one JSON document on stdout and nothing else.'}),
  }

  public async run(): Promise<void> {
    const {flags} = this
    const report = await listReleases({...operatorOptions(flags, this.cleanup, this.terminal), limit: flags.limit, runs: flags.runs, backups: flags.backups, incidents: flags.incidents})
    if (flags.json) this.terminal.out(JSON.stringify(report, null, 2))
    else for (const line of renderReleases(report)) this.terminal.out(line)
  }
}
