import os from 'node:os'
import path from 'node:path'

import {Args} from '@oclif/core'

import {openGitRepository} from '../../adapters/git.js'
import {BaseCommand, ExitWithCode} from '../../base-command.js'
import {EXIT_CODES_HELP} from '../../errors.js'
import {hookInput} from '../../hooks/stdin.js'
import {cicdBuild, fileVerdictStore, type VerdictStore} from '../../hooks/verdicts.js'
import {runPrePush} from '../../services/hook-run.js'
import {loadPolicy} from '../../services/policy.js'

export default class HooksRun extends BaseCommand<typeof HooksRun> {
  static override summary = 'What the installed hook runs: check exactly what git is pushing.'
  static override description = `Reads git's ref lines on stdin and checks each pushed commit in a temporary worktree, with the branch policy of the destination; a failure blocks the push. CICD_SKIP=1 skips every check, CICD_SKIP=pylint,bandit skips those. Content that passed before with the same tools and settings is not checked again; CICD_RECHECK=1 checks it anyway.

${EXIT_CODES_HELP}`

  static override examples = [
    "printf '%s\\n' 'refs/heads/feature/x <sha> refs/heads/feature/x 0000000000000000000000000000000000000000' | <%= config.bin %> hooks run pre-push origin git@example.com:team/repo.git",
  ]

  static override args = {
    hook: Args.string({description: 'The git hook.', options: ['pre-push'], required: true}),
    remote: Args.string({description: 'The remote git pushes to (its name, or the url).', required: true}),
    url: Args.string({description: "The remote's url."}),
  }

  public async run(): Promise<void> {
    const {args} = await this.parse(HooksRun)
    const git = openGitRepository(process.cwd())
    const [input, commonDir, build] = await Promise.all([hookInput(), git.commonDir().catch(() => undefined), cicdBuild(this.config.root)])
    const result = await runPrePush({
      git,
      remote: args.remote,
      url: args.url ?? args.remote,
      input,
      skipEnv: process.env.CICD_SKIP,
      // No report folder: the hook may check the user's own working tree, which it must not write to.
      check: async (options) => {
        // Loaded only when something is checked: a push of content that already passed never needs it.
        const {runCheck} = await import('../../services/check.js')
        const result = await runCheck({...options, cicdVersion: this.config.version, writeReport: false})
        const {recordCheckRun} = await import('../../ledger/record.js')
        await recordCheckRun(result, 'hook', {warn: (line) => this.terminal.error(line)})
        return result
      },
      loadPolicy,
      tempDir: os.tmpdir(),
      bin: this.config.bin,
      // Outside a repository there is nothing to remember; runPrePush says what is wrong.
      verdicts: commonDir === undefined ? undefined : recheckable(fileVerdictStore(path.join(commonDir, 'cicd', 'verdicts'))),
      cicdVersion: build,
      cleanup: this.cleanup,
      terminal: this.terminal,
    })
    if (result.exitCode !== 0) throw new ExitWithCode(result.exitCode)
  }
}

/** CICD_RECHECK=1: this push is checked even if it passed before (and its pass is remembered again). */
function recheckable(store: VerdictStore): VerdictStore {
  return process.env.CICD_RECHECK ? {...store, passedAt: async () => undefined} : store
}
