import {Flags} from '@oclif/core'

import {BaseCommand, ExitWithCode} from '../base-command.js'
import {EXIT_CODES_HELP, ExitCode} from '../errors.js'
import {diagnose} from '../services/doctor.js'

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override summary = 'Check that everything cicd check needs is here, and say how to fix what is not.'
  static override description = `Looks at the git repository, the configuration, each tool and its version against the pinned one, the Docker engine and the tools image. Exits 3 when something required is missing.

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --json']

  static override flags = {
    cwd: Flags.directory({description: 'The repository to look at.', default: '.'}),
    json: Flags.boolean({description: 'Print one JSON document.'}),
  }

  public async run(): Promise<void> {
    const diagnoses = await diagnose({cwd: this.flags.cwd})
    const problems = diagnoses.filter((d) => d.status === 'problem').length
    if (this.flags.json) {
      this.terminal.out(JSON.stringify({ok: problems === 0, diagnoses}, null, 2))
    } else {
      const {color} = this.terminal
      const mark = {ok: color.green('ok'), warning: color.yellow('warn'), problem: color.red('FAIL')}
      for (const d of diagnoses) {
        this.terminal.out(`${mark[d.status].padEnd(4)}  ${d.subject.padEnd(15)} ${d.detail}`)
        if (d.fix) this.terminal.out(`      ${' '.repeat(15)} → ${d.fix}`)
      }
    }
    if (problems > 0) throw new ExitWithCode(ExitCode.prerequisite)
  }
}
