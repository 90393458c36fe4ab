import path from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {EXIT_CODES_HELP} from '../errors.js'
import {initConfig} from '../services/init.js'

export default class Init extends BaseCommand<typeof Init> {
  static override summary = 'Write a commented starter configuration.'
  static override description = `Writes .cicdrc.yaml (or .cicdrc.json, or a [tool.cicd] table appended to pyproject.toml) in the project root (see \`cicd config\`), holding the defaults with a comment on each key, so nothing changes until you edit it. Refuses to replace an existing configuration without --force; never replaces an existing [tool.cicd] table.

${EXIT_CODES_HELP}`

  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --format pyproject',
    '<%= config.bin %> init --force',
  ]

  static override flags = {
    format: Flags.string({description: 'The file to write.', options: ['yaml', 'json', 'pyproject'], default: 'yaml'}),
    force: Flags.boolean({description: 'Replace an existing configuration file.'}),
    cwd: Flags.directory({description: 'A directory inside the repository.', default: '.'}),
  }

  public async run(): Promise<void> {
    const {format, force, cwd} = this.flags
    const result = await initConfig({cwd, format: format as 'yaml' | 'json' | 'pyproject', force})
    this.terminal.out(`Wrote ${result.file}`)
    if (format === 'json') this.terminal.error('JSON has no comments: docs/configuration.md describes every key.')
    for (const name of result.shadowed) {
      this.terminal.error(`${name} also holds a cicd configuration and is now ignored: remove it (or its cicd key).`)
    }
    this.terminal.error(`Next: \`cicd config --cwd ${path.relative(process.cwd(), path.dirname(result.file)) || '.'}\` shows what it resolves to.`)
  }
}
