// The `command` check: any program (no shell), e.g. an Airflow container's `dags list-import-errors` or a
// Spark job's smoke run, with the environment's variables exported, judged by its exit code. The evidence of
// a failure is the end of what it printed, where programs put their error.
import {stat} from 'node:fs/promises'
import path from 'node:path'

import {CommandNotFound, execFile} from '../../adapters/process.js'
import {outputTail} from '../../checks/tool-output.js'
import {formatMs} from '../run-check.js'
import type {Probe, ProbeContext, ProbeResult} from '../types.js'

const TAIL_LINES = 3

export const commandProbe: Probe<'command'> = async (check, ctx) => {
  const [program, ...args] = check.command
  const cwd = await checkDirectory(ctx, check.cwd)
  if (!cwd.ok) return cwd.result
  let output
  try {
    output = await execFile(program, args, {cwd: cwd.path, env: checkEnvironment(ctx, check.env), signal: ctx.signal, killGroup: true})
  } catch (error) {
    if (error instanceof CommandNotFound) return programNotFound(program)
    throw error
  }
  // Aborted: the process is gone; the runner words the evidence (timeout or interruption).
  ctx.signal.throwIfAborted()
  if (output.exitCode === check.expectedExitCode) return {ok: true, evidence: `exit ${output.exitCode} (${formatMs(output.durationMs)})`}
  const tail = outputTail(output, TAIL_LINES).split('\n').join(' | ')
  return {ok: false, evidence: `exit ${output.exitCode} (expected ${check.expectedExitCode})${tail === '' ? ', no output' : `: ${tail}`}`}
}

/**
 * What command and pytest checks see besides the process environment (which execa passes on): the
 * environment's variables, then the check's own.
 */
export function checkEnvironment(ctx: ProbeContext, own: Record<string, string>): Record<string, string> {
  return {...ctx.variables, ...own}
}

/**
 * The directory a check runs in, relative to the project root. Checked first because a missing directory
 * would otherwise look like a missing program (spawn reports both as ENOENT).
 */
export async function checkDirectory(ctx: ProbeContext, cwd: string | undefined): Promise<{ok: true; path: string} | {ok: false; result: ProbeResult}> {
  const dir = path.resolve(ctx.projectRoot, cwd ?? '.')
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false)
  if (isDir) return {ok: true, path: dir}
  return {ok: false, result: {ok: false, evidence: `working directory not found: ${path.relative(ctx.projectRoot, dir) || '.'} (cwd is relative to the project root)`}}
}

export function programNotFound(program: string, hint = 'install it or give its full path'): ProbeResult {
  return {ok: false, evidence: `program not found: ${program} (${hint})`}
}
