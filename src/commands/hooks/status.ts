import {Flags} from '@oclif/core'

import {openGitRepository, openHookFiles} from '../../adapters/git.js'
import {BaseCommand} from '../../base-command.js'
import {EXIT_CODES_HELP} from '../../errors.js'
import {renderStatus} from '../../hooks/render.js'
import {hooksStatus} from '../../services/hooks.js'

export default class HooksStatus extends BaseCommand<typeof HooksStatus> {
  static override summary = 'Say whether the hook is installed, current, and actually run by git.'
  static override description = `Reports a hook edited by hand, an older script, a chained hook, and whatever keeps git from running cicd's hook (core.hooksPath pointing elsewhere, a file that is not executable, husky's wrappers missing).

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> hooks status', '<%= config.bin %> hooks status --json']

  static override flags = {
    json: Flags.boolean({description: 'Print one JSON document on stdout and nothing else.'}),
  }

  public async run(): Promise<void> {
    const statuses = await hooksStatus({git: openGitRepository(process.cwd()), files: openHookFiles()})
    this.terminal.out(this.flags.json ? JSON.stringify({hooks: statuses}, null, 2) : renderStatus(statuses))
  }
}
