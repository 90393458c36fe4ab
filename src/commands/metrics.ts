import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {EXIT_CODES_HELP} from '../errors.js'
import {metrics} from '../services/metrics.js'

export default class Metrics extends BaseCommand<typeof Metrics> {
  static override summary = "The design's metrics dashboard: builds, deployments, quality and recovery, each against its target."
  static override description = `Computed from cicd's own records: the run ledger of \`cicd check\` (local, and CI's in the state database) and the environment's releases, rollbacks, incidents and health probes. Each metric shows its value, its target (the \`metrics.targets\` configuration), and its trend against the previous window. Definitions: docs/metrics.md.

${EXIT_CODES_HELP}`

  static override examples = [
    '<%= config.bin %> metrics',
    '<%= config.bin %> metrics --env staging --window 7d',
    '<%= config.bin %> metrics --html metrics.html',
    '<%= config.bin %> metrics --prometheus /var/lib/node_exporter/textfile/cicd.prom',
    '<%= config.bin %> metrics --pushgateway http://127.0.0.1:9091 --json',
  ]

  static override flags = {
    env: Flags.string({char: 'e', description: 'The environment (default: metrics.environment, production).'}),
    window: Flags.string({description: 'The window: 30d, 2w, 12h, 90m (default: metrics.window, 30d).'}),
    json: Flags.boolean({description: 'Print one JSON document on stdout and nothing else.'}),
    html: Flags.file({description: 'Write the HTML dashboard (self-contained) to this file.'}),
    prometheus: Flags.file({description: "Write the Prometheus text exposition to this file (node_exporter's textfile collector)."}),
    pushgateway: Flags.string({description: 'Push the metrics to this Prometheus Pushgateway URL.'}),
    cwd: Flags.directory({description: 'The repository.', default: '.'}),
  }

  public async run(): Promise<void> {
    const {flags} = this
    const {report, written} = await metrics({
      cwd: flags.cwd,
      environment: flags.env,
      window: flags.window,
      html: flags.html,
      prometheus: flags.prometheus,
      pushgateway: flags.pushgateway,
      hostEnv: process.env,
    })
    for (const warning of report.warnings) this.terminal.error(`warning: ${warning}`)
    if (flags.json) {
      this.terminal.out(JSON.stringify(report, null, 2))
      return
    }
    const {renderDashboard} = await import('../metrics/terminal.js')
    for (const line of renderDashboard(report, this.terminal.color)) this.terminal.out(line)
    for (const file of written) this.terminal.error(`Wrote ${file}`)
  }
}
