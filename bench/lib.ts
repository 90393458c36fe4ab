// Shared measuring helpers for the benchmarks: wall time of whole commands over repeated runs, medians,
// and a fixed-width table. Every benchmark runs cicd and its alternative in the same process, same machine.
import {execa} from 'execa'
import {cp, mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

export const REPO_ROOT = path.resolve(import.meta.dirname, '..')
export const CLI = path.join(REPO_ROOT, 'bin', 'run.js')

export interface Timing {
  label: string
  samples: number[]
}

export async function timeCommand(file: string, args: string[], options: {cwd: string; env?: Record<string, string>; okCodes?: number[]}): Promise<number> {
  const started = performance.now()
  const result = await execa(file, args, {cwd: options.cwd, env: options.env, reject: false, stdin: 'ignore'})
  const elapsed = performance.now() - started
  const ok = options.okCodes ?? [0, 1]
  if (!ok.includes(result.exitCode ?? -1)) {
    throw new Error(`${file} ${args.join(' ')} exited ${result.exitCode}:\n${String(result.stderr).slice(-2000)}`)
  }
  return elapsed
}

export async function repeat(times: number, measure: () => Promise<number>): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < times; i++) samples.push(await measure())
  return samples
}

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`
}

export async function gitRepoFrom(source: string | ((dir: string) => Promise<unknown>)): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-bench-'))
  if (typeof source === 'string') await cp(source, dir, {recursive: true})
  else await source(dir)
  await execa('git', ['init', '-q'], {cwd: dir})
  await execa('git', ['add', '-A'], {cwd: dir})
  await execa('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-qm', 'bench'], {cwd: dir})
  return dir
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, {recursive: true, force: true})
}

export function machineLine(): string {
  const cpus = os.cpus()
  return `${os.type()} ${os.release()}, ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`
}
