// Issue 2's benchmark: `cicd check --phase static --no-cache` (so the result cache cannot answer) against the
// same tools run one after another over the same files with the same arguments (what a Jenkins stage does),
// on the local runner and on the container runner, whose container start is measured on its own.
import os from 'node:os'

import {TOOL_ENV} from '../src/pipeline/execute-check.js'
import {benchEnv, CLI, describe, measure, medianSample, RUNS, seconds, verdict, type Sample} from './lib.js'
import {SKIPPED, type ToolCommand} from './repos.js'

const LOCAL_TARGET = 0.7
const CONTAINER_TARGET = 1.2
/** The exit codes of a run that found something: pylint's is a bit field of message categories, the others exit 1. */
const FINDING_EXIT_CODES: Record<string, number[]> = {pylint: Array.from({length: 64}, (_, code) => code)}

export interface BenchRepo {
  name: string
  dir: string
  commands: ToolCommand[]
}

/** The same tools one after another, each over every file: one sample, wall and CPU summed. */
export async function runSequential(repo: BenchRepo): Promise<Sample> {
  const total: Sample = {wallMs: 0, userMs: 0, sysMs: 0}
  for (const command of repo.commands) {
    const [file, ...args] = command.argv
    const sample = await measure(file, args, {cwd: repo.dir, env: benchEnv(TOOL_ENV), okCodes: FINDING_EXIT_CODES[command.id] ?? [0, 1]})
    total.wallMs += sample.wallMs
    total.userMs += sample.userMs
    total.sysMs += sample.sysMs
  }
  return total
}

/** `cicd check --phase static` on the repository, the whole CLI start included. */
export function runCicd(repo: BenchRepo, flags: string[], env?: Record<string, string>): Promise<Sample> {
  return measure('node', [CLI, 'check', '--phase', 'static', '--skip', SKIPPED.join(','), '--json', '--cwd', repo.dir, ...flags], {cwd: repo.dir, env: benchEnv(env)})
}

/** The engine's cost of creating and starting the run's one container, measured on its own. */
async function containerStart(image: string): Promise<number> {
  const {createDockerAdapter} = await import('../src/adapters/docker.js')
  const docker = createDockerAdapter({host: benchEnv().DOCKER_HOST})
  const started = performance.now()
  const id = await docker.runContainer({
    name: `cicd-bench-${process.pid}-${Date.now()}`,
    image,
    cmd: ['sleep', '60'],
    user: `${os.userInfo().uid}:${os.userInfo().gid}`,
    workingDir: '/',
    env: {},
    labels: {'cicd.bench': '1'},
    mounts: [],
    networkMode: 'none',
    autoRemove: true,
  })
  const elapsed = performance.now() - started
  await docker.removeContainer(id)
  return elapsed
}

export function line(label: string, text: string): void {
  console.log(`  ${label.padEnd(58)} ${text}`)
}

export async function benchStaticCheck(repos: BenchRepo[], options: {container: boolean; image: string; sequential: Map<string, Sample>}): Promise<void> {
  for (const repo of repos) {
    const files = repo.commands[0].files.length
    console.log(`${repo.name}: ${files} Python files; tools: ${repo.commands.map((c) => c.id).join(', ')} (${SKIPPED.join(', ')} needs PyPI, left out on both sides)`)
    // One untimed run first: it runs the same tools on the same files as the sequential side, so both find
    // the files, the tools, their bytecode (and cicd's own modules) in the OS cache.
    await runCicd(repo, ['--no-cache', '--runner', 'local'])
    const seq: Sample[] = []
    const local: Sample[] = []
    const container: Sample[] = []
    const starts: number[] = []
    // Alternated, so a slow spell of the shared machine falls on every side.
    for (let run = 0; run < RUNS; run++) {
      seq.push(await runSequential(repo))
      local.push(await runCicd(repo, ['--no-cache', '--runner', 'local']))
      if (options.container) {
        container.push(await runCicd(repo, ['--no-cache', '--runner', 'container']))
        starts.push(await containerStart(options.image))
      }
    }
    const sequential = medianSample(seq)
    options.sequential.set(repo.dir, sequential)
    const cicdLocal = medianSample(local)
    const ratio = cicdLocal.wallMs / sequential.wallMs
    line('the same tools one after another', describe(sequential))
    line('cicd check --phase static --no-cache --runner local', `${describe(cicdLocal)}; ratio ${ratio.toFixed(2)} (target ≤ ${LOCAL_TARGET}) ${verdict(ratio <= LOCAL_TARGET)}`)
    if (options.container) {
      const inContainer = medianSample(container)
      const start = medianSample(starts.map((wallMs) => ({wallMs, userMs: 0, sysMs: 0}))).wallMs
      const containerRatio = (inContainer.wallMs - start) / cicdLocal.wallMs
      line('cicd check --phase static --no-cache --runner container', `${seconds(inContainer.wallMs)} wall (the tools' CPU is the engine's, not counted)`)
      line('  container start (create + start, measured on its own)', seconds(start))
      line('  (container − container start) / local', `${containerRatio.toFixed(2)} (target ≤ ${CONTAINER_TARGET}) ${verdict(containerRatio <= CONTAINER_TARGET)}`)
    }
  }
}
