import {Flags} from '@oclif/core'

import {BaseCommand, ExitWithCode} from '../base-command.js'
import {EXIT_CODES_HELP, ExitCode, UsageError} from '../errors.js'
import {operatorFlags} from '../flags/operator.js'
import {parseDuration} from '../lifecycle/duration.js'
import {verify} from '../services/verify.js'
import {formatMs, sleepUnlessAborted} from '../verify/run-check.js'
import {reportLines} from '../verify/run-suite.js'

const IN_FLIGHT_GRACE_MS = 3000

export default class Verify extends BaseCommand<typeof Verify> {
  static override summary = "Run an environment's post-deploy checks: the integration suite (phase 4) and the e2e suite (phase 5)."
  static override description = `Runs the checks configured under environments.<env>.checks in parallel (http, postgres, redis, tcp, command, docker, error-rate, and the repository's own pytest -m integration|e2e tests), each with its timeout and retries, and reports each with its duration and evidence. Exits 1 when one fails. The e2e suite runs on staging only unless --force. With --watch, repeats the integration suite at an interval until the window ends, sending a WARNING when a threshold is crossed (response time, error rate, CPU or memory) and a CRITICAL when a check fails, each once per problem. Secrets in URLs and DSNs are redacted everywhere. The checks are described in docs/verify.md.

${EXIT_CODES_HELP}`

  static override examples = [
    '<%= config.bin %> verify --env staging',
    '<%= config.bin %> verify --env staging --suite all --json',
    '<%= config.bin %> verify --env production --watch 30m',
  ]

  static override flags = {
    ...operatorFlags,
    suite: Flags.string({description: 'Which suite: integration (phase 4), e2e (phase 5) or all.', options: ['integration', 'e2e', 'all'], default: 'integration'}),
    force: Flags.boolean({description: 'Run the e2e suite on an environment where it does not run by default (production).'}),
    json: Flags.boolean({description: 'Print the results as JSON on stdout.'}),
    watch: Flags.string({description: 'Repeat the suite for this long (e.g. 30m), alerting on crossed thresholds; stops by itself at the end.'}),
    interval: Flags.string({description: "With --watch: time between runs (default: the environment's verify.watch.intervalSeconds, 60 s)."}),
  }

  public async run(): Promise<void> {
    const {flags} = this
    if (flags.interval && !flags.watch) throw new UsageError('--interval only applies to a watch', ['Add --watch 30m, or drop --interval'])
    const windowMs = flags.watch ? parseDuration(flags.watch, '--watch', ['s', 'm', 'h']) : undefined
    const intervalMs = flags.interval ? parseDuration(flags.interval, '--interval', ['s', 'm', 'h']) : undefined
    // Ctrl-C aborts the checks in flight and gives them a moment to end their processes and connections and
    // remove their temporary files before the process exits.
    const abort = new AbortController()
    let inFlight: Promise<unknown> = Promise.resolve()
    this.cleanup.add('checks in flight', async () => {
      abort.abort()
      await Promise.race([inFlight, sleepUnlessAborted(IN_FLIGHT_GRACE_MS)])
    })
    const running = verify({
      cwd: flags.cwd,
      environment: flags.env,
      suite: flags.suite as 'integration' | 'e2e' | 'all',
      force: flags.force,
      hostEnv: process.env,
      log: (line) => this.terminal.error(line),
      cleanup: this.cleanup,
      mode: flags.json ? 'silent' : flags.verbose || !process.stderr.isTTY ? 'plain' : 'tty',
      signal: abort.signal,
      watch: windowMs === undefined ? undefined : {
        windowMs,
        intervalMs,
        onRound: (round) => {
          const failed = round.report.checks.filter((c) => !c.ok).map((c) => c.name)
          const alerts = round.sent.map((s) => `${s.resolves ? 'resolved' : s.level} ${s.key}`)
          this.terminal.error(`round ${round.index}: ${failed.length ? `FAILED ${failed.join(', ')}` : 'all checks passed'}${round.breaches.length ? `; ${round.breaches.map((b) => `${b.level} ${b.check}: ${b.text}`).join('; ')}` : ''}${alerts.length ? `; sent ${alerts.join(', ')}` : ''}`)
        },
      },
    })
    inFlight = running.catch(() => undefined)
    const outcome = await running
    if (!outcome.watch) {
      if (flags.json) this.terminal.out(JSON.stringify(outcome.report, null, 2))
      else for (const line of reportLines(outcome.report)) this.terminal.out(line)
      if (!outcome.report.ok) throw new ExitWithCode(ExitCode.checkFailed)
      return
    }
    const {summary} = outcome
    const problems = summary.rounds.flatMap((r) => r.breaches)
    const alerts = summary.rounds.flatMap((r) => r.sent)
    if (flags.json) {
      this.terminal.out(JSON.stringify({...summary, intervalMs: outcome.intervalMs}, null, 2))
    } else {
      this.terminal.out(`Watched ${flags.env} for ${formatMs(summary.windowMs)}${summary.stoppedEarly ? ' (stopped early)' : ''}: ${summary.rounds.length} round(s) every ${formatMs(outcome.intervalMs)}, ${problems.length} problem(s) seen, ${alerts.filter((a) => !a.resolves).length} alert(s) sent, ${alerts.filter((a) => a.resolves).length} resolution(s).`)
      for (const open of summary.open) this.terminal.out(`  still open: ${open.level} ${open.check}: ${open.text}`)
    }
    if (problems.length > 0) throw new ExitWithCode(ExitCode.checkFailed)
  }
}
