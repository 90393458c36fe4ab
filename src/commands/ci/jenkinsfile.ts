import {Flags} from '@oclif/core'

import {BaseCommand, ExitWithCode} from '../../base-command.js'
import {EXIT_CODES_HELP, ExitCode} from '../../errors.js'
import {jenkinsfile} from '../../services/jenkinsfile.js'

export default class CiJenkinsfile extends BaseCommand<typeof CiJenkinsfile> {
  static override summary = 'Write the Jenkinsfile generated from the configuration, or check the committed one.'
  static override description = `The pipeline runs the same \`cicd check --ci --phase …\` a developer runs, in parallel, with the branch policy as \`when\` conditions, images built, scanned and pushed as {registry}/{name}:{build}-{commit}, the policy's deploys (an approval with a timeout where it asks for one) and a rollback when the post-deploy checks fail. --check exits 1 with a diff when the committed file differs from what the configuration generates.

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> ci jenkinsfile', '<%= config.bin %> ci jenkinsfile --check', '<%= config.bin %> ci jenkinsfile --stdout']

  static override flags = {
    check: Flags.boolean({description: 'Compare the committed Jenkinsfile with the generated one; exit 1 with a diff when they differ.', exclusive: ['stdout']}),
    stdout: Flags.boolean({description: 'Print the generated Jenkinsfile instead of writing it.'}),
    cwd: Flags.directory({description: 'The repository.', default: '.'}),
  }

  public async run(): Promise<void> {
    const {flags} = this
    const outcome = await jenkinsfile({cwd: flags.cwd, check: flags.check, stdout: flags.stdout})
    switch (outcome.kind) {
      case 'printed':
        this.terminal.out(outcome.text.trimEnd())
        return
      case 'written':
        this.terminal.out(`Wrote ${outcome.file}`)
        return
      case 'unchanged':
      case 'up-to-date':
        this.terminal.out(`${outcome.file} is up to date with the configuration.`)
        return
      case 'drift':
        this.terminal.out(outcome.diff.trimEnd())
        this.terminal.problem(
          outcome.missing ? `There is no ${outcome.file}.` : `${outcome.file} differs from what the configuration generates (diff above).`,
          ['Run `cicd ci jenkinsfile` and commit the result; change the configuration, not the Jenkinsfile, to change the pipeline'],
        )
        throw new ExitWithCode(ExitCode.checkFailed)
    }
  }
}
