// The base every command extends: shared flags, signal handling with cleanup, and the one place where
// errors become messages and exit codes.
import {Command, Errors, Flags, Interfaces} from '@oclif/core'

import {CleanupStack} from './lifecycle/cleanup.js'
import {EXIT_CODES_HELP, ExitCode, InterruptedError, isCicdError} from './errors.js'
import {createTerminal, type Terminal} from './adapters/terminal.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>

/** Thrown by a command that has already printed its result and only needs to leave with a code. */
export class ExitWithCode extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`)
  }
}

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    verbose: Flags.boolean({description: 'Show debug output and stack traces.', helpGroup: 'GLOBAL'}),
  }

  static override description = ''
  static exitCodesHelp = EXIT_CODES_HELP

  protected flags!: BaseFlags<T>
  protected readonly cleanup = new CleanupStack()
  // Replaced once the flags are parsed; a parse failure still needs somewhere to print.
  protected terminal: Terminal = createTerminal()
  private signalHandlers: {signal: NodeJS.Signals; handler: () => void}[] = []

  public override async init(): Promise<void> {
    await super.init()
    const {flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    const given = flags as Record<string, unknown>
    this.terminal = createTerminal({verbose: Boolean(given.verbose), quiet: Boolean(given.quiet), json: Boolean(given.json)})
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const handler = () => void this.interrupt(signal)
      process.on(signal, handler)
      this.signalHandlers.push({signal, handler})
    }
  }

  private async interrupt(signal: 'SIGINT' | 'SIGTERM'): Promise<never> {
    this.terminal.error(`\n${signal === 'SIGINT' ? 'Interrupted' : 'Terminated'}: cleaning up what this run started…`)
    await this.cleanup.runAll((label, error) => this.terminal.error(`cleanup of ${label} failed: ${String(error)}`))
    const error = new InterruptedError(signal)
    this.terminal.error(error.message)
    // The one place outside oclif's handler that ends the process: a signal must not wait for the run to finish.
    process.exit(error.exitCode)
  }

  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    await this.cleanup.runAll()
    if (error instanceof ExitWithCode) throw new Errors.ExitError(error.exitCode)
    if (isCicdError(error)) {
      this.terminal.problem(error.message, error.nextSteps)
      if (this.flags?.verbose && error.stack) this.terminal.debug(error.stack)
      throw new Errors.ExitError(error.exitCode)
    }
    if (error instanceof Errors.CLIError || error.oclif?.exit !== undefined) {
      // Flag and argument parsing problems: oclif's message names the flag; the exit code is ours.
      if (error instanceof Errors.ExitError) throw error
      this.terminal.problem(error.message, [`See: ${this.config.bin} ${this.id?.replaceAll(':', ' ') ?? ''} --help`])
      throw new Errors.ExitError(error.oclif?.exit === 1 ? ExitCode.usage : (error.oclif?.exit ?? ExitCode.usage))
    }
    this.terminal.problem(`${error.message} (this is a bug in cicd; run again with --verbose and report it)`)
    if (this.flags?.verbose && error.stack) this.terminal.debug(error.stack)
    throw new Errors.ExitError(ExitCode.checkFailed)
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    await this.cleanup.runAll()
    for (const {signal, handler} of this.signalHandlers) process.off(signal, handler)
    return super.finally(error)
  }
}
