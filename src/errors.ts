// Typed errors and the one table that maps them to exit codes. Nothing else in cicd picks an exit code.

export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  prerequisite: 3,
  deployFailed: 4,
  locked: 5,
  approval: 6,
  sigint: 130,
  sigterm: 143,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export const EXIT_CODES_HELP = `EXIT CODES
  0    success
  1    a check failed or a gate blocked
  2    usage or configuration error
  3    a prerequisite is missing (tool, Docker engine, database)
  4    deploy or rollback failed; the journal says what state was left
  5    the environment is locked by someone else
  6    approval refused or timed out
  130  interrupted (Ctrl-C); 143 terminated; everything this run started was cleaned up`

/** An error the user can fix: says what went wrong and what to do next. */
export class CicdError extends Error {
  readonly exitCode: ExitCodeValue
  readonly nextSteps: string[]

  constructor(message: string, options: {exitCode: ExitCodeValue; nextSteps?: string[]; cause?: unknown}) {
    super(message, {cause: options.cause})
    this.name = 'CicdError'
    this.exitCode = options.exitCode
    this.nextSteps = options.nextSteps ?? []
  }
}

export class UsageError extends CicdError {
  constructor(message: string, nextSteps: string[] = [], cause?: unknown) {
    super(message, {exitCode: ExitCode.usage, nextSteps, cause})
    this.name = 'UsageError'
  }
}

export class PrerequisiteError extends CicdError {
  constructor(message: string, nextSteps: string[] = [], cause?: unknown) {
    super(message, {exitCode: ExitCode.prerequisite, nextSteps, cause})
    this.name = 'PrerequisiteError'
  }
}

/** The run was interrupted by a signal; cleanup has already happened when this is thrown. */
export class InterruptedError extends CicdError {
  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super(`Interrupted by ${signal}; everything this run started has been cleaned up.`, {
      exitCode: signal === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm,
    })
    this.name = 'InterruptedError'
  }
}

export function isCicdError(error: unknown): error is CicdError {
  return error instanceof CicdError
}
