// Running programs on this machine (execa): every child gets separate stdout/stderr, its exit code, and is
// killed when the run is interrupted (with its whole process group, for commands that start their own).
import {access, constants} from 'node:fs/promises'
import path from 'node:path'

import type {ToolOutput} from '../checks/types.js'

export interface ExecOptions {
  cwd: string
  env?: Record<string, string>
  timeoutMs?: number
  input?: string
  /** Aborts the child (SIGTERM, then SIGKILL after a grace period). */
  signal?: AbortSignal
  /**
   * Runs the child in its own process group and aborts the whole group: for user-given commands (a shell
   * script's `sleep`, a test run's workers) whose descendants would otherwise outlive the abort. Only with a
   * signal: such a child no longer receives the terminal's Ctrl-C, so the caller must abort on interrupt.
   */
  killGroup?: boolean
}

const KILL_GRACE_MS = 2000

/** SIGTERM to every process of the child's group, SIGKILL to what is left after the grace period. */
function abortGroup(pid: number | undefined): void {
  if (pid === undefined) return
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal)
    } catch {
      // The group is already gone.
    }
  }
  kill('SIGTERM')
  setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS).unref()
}

export class CommandNotFound extends Error {
  constructor(readonly command: string) {
    super(`${command}: not found`)
  }
}

let loadingExeca: Promise<typeof import('execa')> | undefined

/**
 * Loads execa ahead of the first execFile, while the caller waits on other things: a tool then starts as soon
 * as it is asked to, without a module compiling first.
 */
export function loadExecFile(): Promise<typeof import('execa')> {
  loadingExeca ??= import('execa')
  return loadingExeca
}

/** Runs `file args` and returns its output whatever its exit code; throws only when it could not start. */
export async function execFile(file: string, args: string[], options: ExecOptions): Promise<ToolOutput> {
  const {execa} = await loadExecFile()
  const started = performance.now()
  const group = options.killGroup === true && options.signal !== undefined
  const child = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    forceKillAfterDelay: KILL_GRACE_MS,
    detached: group,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: 512 * 1024 * 1024,
  })
  const onAbort = () => abortGroup(child.pid)
  if (group) options.signal!.addEventListener('abort', onAbort, {once: true})
  const result = await child.finally(() => options.signal?.removeEventListener('abort', onAbort))
  // execa's own timeout ends the leader only.
  if (group && result.timedOut) abortGroup(child.pid)
  if (result.failed && result.exitCode === undefined) {
    const code = (result.cause as NodeJS.ErrnoException | undefined)?.code
    if (code === 'ENOENT' || code === 'EACCES') throw new CommandNotFound(file)
    if (result.timedOut) {
      return {stdout: String(result.stdout ?? ''), stderr: `${String(result.stderr ?? '')}\ntimed out after ${options.timeoutMs} ms`, exitCode: 124, durationMs: performance.now() - started}
    }
    if (!result.isCanceled) throw result.cause ?? new Error(result.message)
  }
  return {
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    exitCode: result.exitCode ?? (result.signal ? 128 : 1),
    durationMs: performance.now() - started,
  }
}

/** The first executable named `name` on PATH, like `command -v`. */
export async function findOnPath(name: string, envPath = process.env.PATH ?? ''): Promise<string | undefined> {
  if (name.includes('/')) return (await isExecutable(name)) ? path.resolve(name) : undefined
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue
    const candidate = path.join(dir, name)
    if (await isExecutable(candidate)) return candidate
  }
  return undefined
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}
