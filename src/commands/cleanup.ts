import {Flags} from '@oclif/core'

import {createPrompter} from '../adapters/prompt.js'
import {BaseCommand} from '../base-command.js'
import {operatorFlags, operatorOptions} from '../flags/operator.js'
import {EXIT_CODES_HELP} from '../errors.js'
import {cleanupEnvironment} from '../services/cleanup.js'

export default class Cleanup extends BaseCommand<typeof Cleanup> {
  static override summary = 'Remove blue instances whose rollback window has passed, stopped instances and, with --images, unprotected images.'
  static override description = `The live release is never touched, nor the images of the newest verified releases (environments.<name>.keepReleases, 3 by default).

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> cleanup --env production --dry-run', '<%= config.bin %> cleanup --env production --yes', '<%= config.bin %> cleanup --env staging --images --yes']

  static override flags = {
    ...operatorFlags,
    images: Flags.boolean({description: "Also remove images of the services' repositories that no protected release uses."}),
    'dry-run': Flags.boolean({description: 'List what would be removed and change nothing.'}),
    yes: Flags.boolean({char: 'y', description: 'Confirm without typing the environment name (non-interactive shells).'}),
  }

  public async run(): Promise<void> {
    const {flags} = this
    const report = await cleanupEnvironment({...operatorOptions(flags, this.cleanup, this.terminal), images: flags.images, dryRun: flags['dry-run'], yes: flags.yes, prompter: createPrompter()})
    const verb = report.dryRun ? 'Would remove' : 'Removed'
    this.terminal.out(`${verb} ${report.containers.length} container(s)${report.containers.length ? `: ${report.containers.join(', ')}` : ''}`)
    if (flags.images) this.terminal.out(`${verb} ${report.images.length} image(s)${report.images.length ? `: ${report.images.join(', ')}` : ''}; ${report.protectedImages.length} protected`)
  }
}
