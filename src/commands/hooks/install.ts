import {Flags} from '@oclif/core'

import {openGitRepository, openHookFiles} from '../../adapters/git.js'
import {BaseCommand} from '../../base-command.js'
import {EXIT_CODES_HELP} from '../../errors.js'
import {renderInstall} from '../../hooks/render.js'
import {installHooks} from '../../services/hooks.js'

export default class HooksInstall extends BaseCommand<typeof HooksInstall> {
  static override summary = 'Install the pre-push hook (and, with --pre-commit, a pre-commit hook) where git runs it.'
  static override description = `Respects core.hooksPath (husky's too) and linked worktrees. A hook already there is kept and run first, and comes back on uninstall; installing twice changes nothing. A hook edited by hand is not overwritten without --force. The optional pre-commit hook runs the file-local checks (flake8, black, isort, bandit) on the staged content of the staged Python files.

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> hooks install', '<%= config.bin %> hooks install --pre-commit', '<%= config.bin %> hooks install --force']

  static override flags = {
    force: Flags.boolean({description: "Overwrite cicd's hook even when it was edited by hand."}),
    'pre-commit': Flags.boolean({description: 'Also install the pre-commit hook: the file-local checks on the staged files.'}),
  }

  public async run(): Promise<void> {
    const results = await installHooks({git: openGitRepository(process.cwd()), files: openHookFiles(), force: this.flags.force, preCommit: this.flags['pre-commit']})
    this.terminal.out(renderInstall(results))
  }
}
