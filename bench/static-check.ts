// Issue 2's benchmark: `cicd check --phase static --no-cache` (so the result cache cannot answer) against the
// same tools run one after another over the same files with the same arguments (what a Jenkins stage does),
// on the local runner and on the container runner, whose container start (reported by the run) is given apart.
import {TOOL_ENV} from '../src/pipeline/execute-check.js'
import {benchEnv, CLI, describe, measure, median, medianSample, RUNS, seconds, verdict, type Sample} from './lib.js'
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

/**
 * Waits (untimed) until the engine has deleted every run container: it does so after the run has ended, and
 * on vfs that takes seconds of CPU and disk, which would otherwise fall on whatever is measured next.
 */
async function containersRemoved(): Promise<void> {
  const {createDockerAdapter} = await import('../src/adapters/docker.js')
  const {RUN_LABEL} = await import('../src/runners/container.js')
  const docker = createDockerAdapter({host: benchEnv().DOCKER_HOST})
  const deadline = Date.now() + 120_000
  while ((await docker.listContainers({[RUN_LABEL]: undefined})).length > 0) {
    if (Date.now() > deadline) throw new Error('the engine did not remove the run containers within 2 minutes')
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** A container run's wall time without the engine's creation of its container, which cicd reports (--json). */
function withoutContainerStart(sample: Sample): {rest: number; start: number} {
  const start = (JSON.parse(sample.stdout ?? '{}') as {runnerStartMs?: number}).runnerStartMs
  if (typeof start !== 'number') throw new Error('cicd check --runner container --json gave no runnerStartMs')
  return {rest: sample.wallMs - start, start}
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
    // Alternated, so a slow spell of the shared machine falls on every side.
    for (let run = 0; run < RUNS; run++) {
      seq.push(await runSequential(repo))
      local.push(await runCicd(repo, ['--no-cache', '--runner', 'local']))
      if (options.container) {
        container.push(await runCicd(repo, ['--no-cache', '--runner', 'container', '--tools-image', options.image]))
        await containersRemoved()
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
      const parts = container.map(withoutContainerStart)
      const start = median(parts.map((part) => part.start))
      const containerRatio = median(parts.map((part) => part.rest)) / cicdLocal.wallMs
      line('cicd check --phase static --no-cache --runner container', `${seconds(inContainer.wallMs)} wall (the tools' CPU is the engine's, not counted)`)
      line('  its container: create + start (the run\'s runnerStartMs)', seconds(start))
      line('  (container − its container start) / local', `${containerRatio.toFixed(2)} (target ≤ ${CONTAINER_TARGET}) ${verdict(containerRatio <= CONTAINER_TARGET)}`)
    }
  }
}
