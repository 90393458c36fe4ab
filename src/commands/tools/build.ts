import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {EXIT_CODES_HELP} from '../../errors.js'
import {buildToolsImage} from '../../services/tools-build.js'

export default class ToolsBuild extends BaseCommand<typeof ToolsBuild> {
  static override summary = 'Build the tools image that `cicd check --runner container` runs the checks in.'
  static override description = `Builds the Dockerfile that ships with cicd with the tool versions pinned in the configuration (tools.versions). Tools the base image already carries at the pinned version are kept as they are, so a base that has them all builds without network.

${EXIT_CODES_HELP}`

  static override examples = [
    '<%= config.bin %> tools build',
    '<%= config.bin %> tools build --tag registry.example.com/cicd-tools:2024-06 --base python:3.11-slim',
    '<%= config.bin %> tools build --without safety --without pip-audit',
  ]

  static override flags = {
    tag: Flags.string({description: 'The image to build (default: tools.image, cicd-tools:local).'}),
    base: Flags.string({description: 'The image to build on (default: python:3.11-slim).'}),
    without: Flags.string({description: 'Leave a pinned tool out of the image (repeatable or comma-separated).', multiple: true, delimiter: ','}),
    cwd: Flags.directory({description: 'The repository whose configuration pins the versions.', default: '.'}),
    quiet: Flags.boolean({char: 'q', description: 'Do not show the build output.'}),
  }

  public async run(): Promise<void> {
    const {flags} = this
    const result = await buildToolsImage({
      cwd: flags.cwd,
      tag: flags.tag,
      base: flags.base,
      without: flags.without,
      onOutput: flags.quiet ? undefined : (line) => this.terminal.error(this.terminal.color.dim(line)),
    })
    const tools = Object.entries(result.versions).map(([tool, version]) => `${tool} ${version}`)
    this.terminal.out(`Built ${result.tag}${result.base ? ` on ${result.base}` : ''} in ${(result.durationMs / 1000).toFixed(1)} s: ${tools.join(', ')}`)
  }
}
