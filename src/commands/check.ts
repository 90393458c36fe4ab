import {Flags} from '@oclif/core'
import isCI from 'ci-info'

import {BaseCommand, ExitWithCode} from '../base-command.js'
import {pushRefused} from '../build/push.js'
import {PHASES, type PhaseId} from '../checks/types.js'
import {EXIT_CODES_HELP} from '../errors.js'
import {renderJson} from '../reports/json.js'
import {parseReportSpecs, writeReports} from '../reports/write.js'
import {rememberingRun} from '../replay/remember.js'
import {runCheck} from '../services/check.js'
import {renderSummary} from '../pipeline/summary.js'

export default class Check extends BaseCommand<typeof Check> {
  static override summary = 'Run the checks CI runs, on this machine.'
  static override description = `Runs CI's phases on this machine: static analysis (flake8, pylint, black, isort, bandit, and safety or pip-audit) with the repository's own tool configuration, locally or inside the tools image, in parallel; the unit tests with the coverage gate; the platform's images built in parallel; Trivy scans of them; and the five security gates. Plain \`cicd check\` runs static and test; --all runs the four. Every run writes a report folder (.cicd/reports/latest).

${EXIT_CODES_HELP}`

  static override examples = [
    '<%= config.bin %> check',
    '<%= config.bin %> check --only flake8,pylint',
    '<%= config.bin %> check --all',
    '<%= config.bin %> check --phase static,test --skip pytest',
    '<%= config.bin %> check --runner container --tools-image cicd-tools:local',
    '<%= config.bin %> check --ci --report junit=reports/junit.xml --report sarif=reports/cicd.sarif',
    '<%= config.bin %> check --json > result.json',
  ]

  static override flags = {
    phase: Flags.string({
      description: 'Phases to run (repeatable or comma-separated); static and test by default.',
      options: [...PHASES],
      multiple: true,
      delimiter: ',',
      exclusive: ['all'],
    }),
    all: Flags.boolean({description: 'All four phases: static, test, build and scan.'}),
    'keep-going': Flags.boolean({description: 'Build and scan even when the tests failed.'}),
    push: Flags.boolean({description: 'Refused: pushing images and registry tags is CI\'s job.', hidden: false}),
    only: Flags.string({description: 'Run only these checks (comma-separated ids).', multiple: true, delimiter: ','}),
    skip: Flags.string({description: 'Leave these checks out (comma-separated ids).', multiple: true, delimiter: ','}),
    runner: Flags.string({description: 'Where tools run: auto picks the container when the engine and image are there.', options: ['auto', 'local', 'container']}),
    'tools-image': Flags.string({description: 'The tools image for the container runner (default: tools.image).'}),
    cwd: Flags.directory({description: 'The repository to check.', default: '.'}),
    json: Flags.boolean({description: 'Print one JSON document on stdout and nothing else.'}),
    report: Flags.string({description: 'Write a report: junit=FILE, sarif=FILE or json=FILE (repeatable).', multiple: true}),
    ci: Flags.boolean({description: 'Running in CI: plain progress lines, no prompts.', default: isCI.isCI}),
    quiet: Flags.boolean({char: 'q', description: 'Only the summary table and errors.'}),
    'no-cache': Flags.boolean({description: 'Run every tool on every file; store nothing.'}),
  }

  public async run(): Promise<void> {
    const {flags} = this
    if (flags.push) throw pushRefused()
    const reports = parseReportSpecs(flags.report ?? [])
    const output = flags.json ? 'silent' : flags.ci || flags.verbose || !process.stderr.isTTY ? 'plain' : 'tty'
    const memory = rememberingRun({argv: this.argv, cwd: process.cwd(), env: process.env, packageRoot: this.config.root}, isCI.isCI, (line) => this.terminal.error(line))
    const result = await runCheck({
      cwd: flags.cwd,
      phases: flags.all ? [...PHASES] : (flags.phase as PhaseId[] | undefined),
      keepGoing: flags['keep-going'],
      only: flags.only,
      skip: flags.skip,
      runner: flags.runner as 'auto' | 'local' | 'container' | undefined,
      toolsImage: flags['tools-image'],
      output,
      cleanup: this.cleanup,
      terminal: this.terminal,
      cache: !flags['no-cache'],
      cicdVersion: this.config.version,
    })
    await writeReports(result, reports, process.cwd())
    const {recordCheckRun} = await import('../ledger/record.js')
    await recordCheckRun(result, flags.ci ? 'ci' : 'local', {warn: (line) => this.terminal.error(line)})
    if (flags.json) this.terminal.out(renderJson(result))
    else this.terminal.out(renderSummary(result, this.terminal.color, {quiet: flags.quiet}))
    if (result.reportDir) this.terminal.error(`report: ${result.reportDir}/index.html`)
    await memory.keep(result)
    if (result.exitCode !== 0) throw new ExitWithCode(result.exitCode)
  }
}
