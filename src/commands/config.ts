import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {renderConfig} from '../config/render.js'
import {EXIT_CODES_HELP} from '../errors.js'
import {showConfig} from '../services/config.js'

export default class Config extends BaseCommand<typeof Config> {
  static override summary = 'Show the resolved configuration and where each value came from.'
  static override description = `Finds the configuration in the repository root (.cicdrc*, cicd.config.*, package.json "cicd", or [tool.cicd] in pyproject.toml), validates it, and prints every key with its value and its source: the file, or cicd's default. Secrets are masked. Exits 2 when the configuration is invalid, listing every problem.

${EXIT_CODES_HELP}`

  static override examples = [
    '<%= config.bin %> config',
    '<%= config.bin %> config --cwd ../data-platform',
    '<%= config.bin %> config --json | jq .config.checks.pylint',
  ]

  static override flags = {
    cwd: Flags.directory({description: 'A directory inside the repository.', default: '.'}),
    json: Flags.boolean({description: 'Print one JSON document {file, config, sources}.'}),
  }

  public async run(): Promise<void> {
    const report = await showConfig({cwd: this.flags.cwd})
    if (this.flags.json) {
      this.terminal.out(JSON.stringify({file: report.file ?? null, config: report.config, sources: report.sources}, null, 2))
    } else {
      const {color} = this.terminal
      this.terminal.out(renderConfig(report, report.root, {bold: color.bold, dim: color.dim}))
    }
  }
}
