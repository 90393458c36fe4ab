import {Flags} from '@oclif/core'

import {createBrowserOpener} from '../adapters/browser.js'
import {BaseCommand} from '../base-command.js'
import {EXIT_CODES_HELP} from '../errors.js'
import {showReport} from '../services/report.js'

export default class Report extends BaseCommand<typeof Report> {
  static override summary = 'Show where the latest build report is, and open it in a browser.'
  static override description = `Every cicd check writes a report folder (.cicd/reports/<run-id>/: summary.json, junit.xml, results.sarif, coverage.xml, index.html); .cicd/reports/latest points at the newest. This prints the HTML page's path and, in a terminal with a browser available, opens it. Exits 2 when there is no report yet.

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> report', '<%= config.bin %> report --path', 'xdg-open "$(<%= config.bin %> report --path)"']

  static override flags = {
    cwd: Flags.directory({description: 'A directory inside the repository.', default: '.'}),
    path: Flags.boolean({description: 'Print the path of the HTML page only; never open a browser.'}),
  }

  public async run(): Promise<void> {
    const location = await showReport({
      cwd: this.flags.cwd,
      pathOnly: this.flags.path,
      interactive: Boolean(process.stdout.isTTY),
      opener: createBrowserOpener(),
    })
    this.terminal.out(location.html)
    if (location.openedWith) this.terminal.error(`opened with ${location.openedWith}`)
  }
}
