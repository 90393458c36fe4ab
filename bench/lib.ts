// Shared measuring helpers for the benchmarks: wall and CPU time of whole commands over repeated runs,
// medians, target verdicts, and the temporary git repositories the benchmarks work in. Every benchmark runs
// cicd and its alternative in the same process, on the same machine, in the same run.
import {execa} from 'execa'
import {cp, mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

export const REPO_ROOT = path.resolve(import.meta.dirname, '..')
export const CLI = path.join(REPO_ROOT, 'bin', 'run.js')
export const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3))

/**
 * The environment every timed command gets: Debian's Python tools first on PATH (a pyenv shim earlier on
 * PATH is another pytest/python without the tools), the test engine for the container runner.
 */
export function benchEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...process.env,
    PATH: `/usr/bin:${process.env.PATH ?? ''}`,
    DOCKER_HOST: process.env.DOCKER_HOST ?? 'unix:///run/cicd-test-docker.sock',
    ...extra,
  } as Record<string, string>
}

/** One run of a command: wall time, and the CPU time of the command and every process it waited for. */
export interface Sample {
  wallMs: number
  userMs: number
  sysMs: number
  /** The command's standard output, for benchmarks that read what it did. */
  stdout?: string
}

export interface MeasureOptions {
  cwd: string
  env?: Record<string, string>
  /** Exit codes that count as a run (tools exit non-zero on findings); default 0 and 1. */
  okCodes?: number[]
  input?: string
}

// bash's `times` prints the CPU time of the shell's waited-for children (and theirs, recursively) after the
// command, which node cannot read for a child process. The shell itself costs about 2 ms of wall time.
const TIMES_WRAPPER = '"$@"; rc=$?; times >&2; exit $rc'

function parseClock(text: string): number {
  const match = /^(\d+)m([\d.]+)s$/.exec(text)
  return match ? (Number(match[1]) * 60 + Number(match[2])) * 1000 : Number.NaN
}

export async function measure(file: string, args: string[], options: MeasureOptions): Promise<Sample> {
  const started = performance.now()
  const result = await execa('bash', ['-c', TIMES_WRAPPER, 'bash', file, ...args], {
    cwd: options.cwd,
    env: options.env ?? benchEnv(),
    reject: false,
    ...(options.input === undefined ? {stdin: 'ignore' as const} : {input: options.input}),
  })
  const wallMs = performance.now() - started
  const ok = options.okCodes ?? [0, 1]
  const stderr = String(result.stderr)
  if (!ok.includes(result.exitCode ?? -1)) {
    throw new Error(`${file} ${args.join(' ').slice(0, 300)} exited ${result.exitCode} in ${options.cwd}:\n${stderr.slice(-3000)}\n${String(result.stdout).slice(-2000)}`)
  }
  const children = stderr.trimEnd().split('\n').at(-1)?.trim().split(/\s+/) ?? []
  return {wallMs, userMs: parseClock(children[0] ?? ''), sysMs: parseClock(children[1] ?? ''), stdout: String(result.stdout)}
}

/** Several samples, one after another. */
export async function repeat(times: number, run: () => Promise<Sample>): Promise<Sample[]> {
  const samples: Sample[] = []
  for (let i = 0; i < times; i++) samples.push(await run())
  return samples
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** The median of each field on its own. */
export function medianSample(samples: Sample[]): Sample {
  return {
    wallMs: median(samples.map((s) => s.wallMs)),
    userMs: median(samples.map((s) => s.userMs)),
    sysMs: median(samples.map((s) => s.sysMs)),
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`
}

/** "12.34 s wall, 20.10 s CPU": the CPU is user + system of every process the command waited for. */
export function describe(sample: Sample): string {
  return `${seconds(sample.wallMs)} wall, ${seconds(sample.userMs + sample.sysMs)} CPU`
}

export function verdict(pass: boolean): string {
  return pass ? 'PASS' : 'MISS'
}

/** A copy of a directory (or what a function writes) committed into a fresh git repository in a temp dir. */
export async function gitRepoFrom(source: string | ((dir: string) => Promise<unknown>)): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-bench-'))
  if (typeof source === 'string') await cp(source, dir, {recursive: true})
  else await source(dir)
  await execa('git', ['init', '-q', '-b', 'main'], {cwd: dir})
  await git(dir, 'add', '-A')
  await git(dir, 'commit', '-qm', 'bench')
  return dir
}

/** git with a committer identity, for the benchmarks' own commits. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const {stdout} = await execa('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...args], {cwd, env: benchEnv()})
  return stdout
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, {recursive: true, force: true})
}

export function machineLine(): string {
  const cpus = os.cpus()
  return `${os.type()} ${os.release()}, ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString()}`
}

/** The machine is shared: every section prints the load it ran under. */
export function loadLine(): string {
  return `load average ${os.loadavg().map((load) => load.toFixed(2)).join(', ')} (1, 5, 15 min) on ${os.availableParallelism()} cores`
}
