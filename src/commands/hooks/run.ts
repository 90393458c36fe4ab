import os from 'node:os'
import path from 'node:path'

import {Args} from '@oclif/core'

import {openGitRepository} from '../../adapters/git.js'
import {BaseCommand, ExitWithCode} from '../../base-command.js'
import {EXIT_CODES_HELP, UsageError} from '../../errors.js'
import {hookInput} from '../../hooks/stdin.js'
import {cicdBuild} from '../../cache/remembered-runs.js'
import {fileVerdictStore, type VerdictStore} from '../../hooks/verdicts.js'
import {type HookCheckOptions, runPrePush} from '../../services/hook-run.js'
import {loadPolicy} from '../../services/policy.js'

export default class HooksRun extends BaseCommand<typeof HooksRun> {
  static override summary = 'What the installed hooks run: check exactly what git is pushing (or committing).'
  static override description = `pre-push reads git's ref lines on stdin and checks each pushed commit in a temporary worktree, with the branch policy of the destination; a failure blocks the push. pre-commit checks the staged content of the staged Python files with the file-local tools (flake8, black, isort, bandit), also in a temporary worktree; a failure blocks the commit. CICD_SKIP=1 skips every check, CICD_SKIP=pylint,bandit skips those. Content that passed before with the same tools and settings is not checked again; CICD_RECHECK=1 checks it anyway.

${EXIT_CODES_HELP}`

  static override examples = [
    "printf '%s\\n' 'refs/heads/feature/x <sha> refs/heads/feature/x 0000000000000000000000000000000000000000' | <%= config.bin %> hooks run pre-push origin git@example.com:team/repo.git",
    '<%= config.bin %> hooks run pre-commit',
  ]

  static override args = {
    hook: Args.string({description: 'The git hook.', options: ['pre-push', 'pre-commit'], required: true}),
    remote: Args.string({description: 'pre-push: the remote git pushes to (its name, or the url).'}),
    url: Args.string({description: "pre-push: the remote's url."}),
  }

  public async run(): Promise<void> {
    const {args} = await this.parse(HooksRun)
    const git = openGitRepository(process.cwd())
    const [commonDir, build] = await Promise.all([git.commonDir().catch(() => undefined), cicdBuild(this.config.root)])
    const common = {
      git,
      skipEnv: process.env.CICD_SKIP,
      // No report folder: a hook must not write into the user's working tree.
      check: async (options: HookCheckOptions) => {
        // Loaded only when something is checked: content that already passed never needs it.
        const {runCheck} = await import('../../services/check.js')
        const result = await runCheck({...options, cicdVersion: this.config.version, writeReport: false})
        const {recordCheckRun} = await import('../../ledger/record.js')
        await recordCheckRun(result, 'hook', {warn: (line) => this.terminal.error(line)})
        return result
      },
      tempDir: os.tmpdir(),
      bin: this.config.bin,
      // Outside a repository there is nothing to remember; the hook says what is wrong.
      verdicts: commonDir === undefined ? undefined : recheckable(fileVerdictStore(path.join(commonDir, 'cicd', 'verdicts'))),
      cicdVersion: build,
      cleanup: this.cleanup,
      terminal: this.terminal,
    }
    if (args.hook === 'pre-commit') {
      // git points the hook at the index being committed. Only the staged content is read from it: every other
      // git command here (the temporary worktree, the check inside it) must work on its own index, not this one.
      const indexFile = process.env.GIT_INDEX_FILE
      delete process.env.GIT_INDEX_FILE
      const {runPreCommit} = await import('../../services/pre-commit.js')
      const result = await runPreCommit({...common, indexFile})
      if (result.exitCode !== 0) throw new ExitWithCode(result.exitCode)
      return
    }
    if (args.remote === undefined) {
      throw new UsageError('cicd hooks run pre-push needs the remote git pushes to, as git passes it.', ['Let git run it: cicd hooks install, then git push'])
    }
    const result = await runPrePush({...common, remote: args.remote, url: args.url ?? args.remote, input: await hookInput(), loadPolicy})
    if (result.exitCode !== 0) throw new ExitWithCode(result.exitCode)
  }
}

/** CICD_RECHECK=1: this content is checked even if it passed before (and its pass is remembered again). */
function recheckable(store: VerdictStore): VerdictStore {
  return process.env.CICD_RECHECK ? {...store, passedAt: async () => undefined} : store
}
