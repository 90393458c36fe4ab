// Runs the built CLI as a user does (node bin/run.js …) and returns what a user would see.
import {execa, type ResultPromise} from 'execa'
import path from 'node:path'

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..')
export const CLI = path.join(REPO_ROOT, 'bin', 'run.js')

export interface CliResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface CliOptions {
  cwd?: string
  env?: Record<string, string | undefined>
  input?: string
  timeoutMs?: number
}

export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const result = await startCli(args, options)
  return {exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr)}
}

/** Starts the CLI without waiting, for tests that interrupt it. */
export function startCli(args: string[], options: CliOptions = {}): ResultPromise<{reject: false}> {
  return execa('node', [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    // Debian's Python tools first, as on CI's machines: a pyenv shim earlier on PATH may be a pytest without pytest-cov.
    env: {NO_COLOR: '1', CI: 'true', PATH: `/usr/bin:${process.env.PATH}`, ...options.env},
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    reject: false,
    timeout: options.timeoutMs ?? 240_000,
  }) as ResultPromise<{reject: false}>
}
