import {Flags} from '@oclif/core'

import {openGitRepository, openHookFiles} from '../../adapters/git.js'
import {BaseCommand} from '../../base-command.js'
import {EXIT_CODES_HELP} from '../../errors.js'
import {renderUninstall} from '../../hooks/render.js'
import {uninstallHooks} from '../../services/hooks.js'

export default class HooksUninstall extends BaseCommand<typeof HooksUninstall> {
  static override summary = "Remove cicd's hook and restore the hook it chained."
  static override description = `A hook edited by hand is not removed without --force.

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> hooks uninstall']

  static override flags = {
    force: Flags.boolean({description: "Remove cicd's hook even when it was edited by hand."}),
  }

  public async run(): Promise<void> {
    const results = await uninstallHooks({git: openGitRepository(process.cwd()), files: openHookFiles(), force: this.flags.force})
    this.terminal.out(renderUninstall(results))
  }
}
