// `cicd check --phase static` against the same tools run one after another over the same files with the
// same arguments (what a Jenkins stage does), on the example platform and on a generated repository.
import {execa} from 'execa'
import os from 'node:os'
import path from 'node:path'

import {STATIC_CHECKS} from '../src/checks/registry.js'
import {generateSyntheticRepo} from '../test/helpers/synthetic-repo.js'
import {CLI, gitRepoFrom, median, removeDir, repeat, REPO_ROOT, seconds, timeCommand} from './lib.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const TOOLS = ['flake8', 'pylint', 'black', 'isort', 'bandit'] as const

export interface StaticBenchRow {
  repo: string
  files: number
  sequentialMs: number
  cicdLocalMs: number
  cicdContainerMs?: number
  containerStartMs?: number
}

async function pythonFiles(dir: string): Promise<string[]> {
  const {stdout} = await execa('git', ['ls-files', '-z', '--', '*.py'], {cwd: dir})
  return stdout.split('\0').filter(Boolean).sort()
}

async function sequential(dir: string, files: string[]): Promise<number> {
  let total = 0
  for (const id of TOOLS) {
    const definition = STATIC_CHECKS.find((d) => d.id === id)!
    const settings = id === 'flake8' ? {args: [], maxLineLength: 120} : {args: []}
    const [tool, ...args] = definition.argv(files, settings)
    total += await timeCommand(`/usr/bin/${tool}`, args, {cwd: dir, okCodes: [0, 1, 2, 4, 8, 16, 30, 32]})
  }
  return total
}

async function cicd(dir: string, runner: 'local' | 'container'): Promise<number> {
  return timeCommand('node', [CLI, 'check', '--phase', 'static', '--skip', 'safety', '--runner', runner, '--json', '--cwd', dir], {cwd: dir})
}

/** The engine's cost of creating and starting the run's one container, measured on its own. */
async function containerStart(image: string): Promise<number> {
  const {createDockerAdapter} = await import('../src/adapters/docker.js')
  const docker = createDockerAdapter()
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

export async function benchStaticCheck(options: {container: boolean; image: string}): Promise<StaticBenchRow[]> {
  const repos: {name: string; dir: string}[] = [
    {name: 'example platform', dir: await gitRepoFrom(path.join(REPO_ROOT, 'test/fixtures/data-platform'))},
    {name: 'generated (60 modules)', dir: await gitRepoFrom((dir) => generateSyntheticRepo(dir, {modules: 60, withFindings: true}))},
  ]
  const rows: StaticBenchRow[] = []
  try {
    for (const repo of repos) {
      const files = await pythonFiles(repo.dir)
      await cicd(repo.dir, 'local') // warm the page cache and Python's bytecode caches for both sides
      const seq = await repeat(RUNS, () => sequential(repo.dir, files))
      const local = await repeat(RUNS, () => cicd(repo.dir, 'local'))
      const row: StaticBenchRow = {repo: repo.name, files: files.length, sequentialMs: median(seq), cicdLocalMs: median(local)}
      if (options.container) {
        row.cicdContainerMs = median(await repeat(RUNS, () => cicd(repo.dir, 'container')))
        row.containerStartMs = median(await repeat(RUNS, () => containerStart(options.image)))
      }
      rows.push(row)
      console.log(
        `${repo.name}: ${files.length} files; sequential ${seconds(row.sequentialMs)}, cicd local ${seconds(row.cicdLocalMs)} ` +
          `(ratio ${(row.cicdLocalMs / row.sequentialMs).toFixed(2)}, target ≤ 0.70)` +
          (row.cicdContainerMs === undefined
            ? ''
            : `; cicd container ${seconds(row.cicdContainerMs)}, of which container start ${seconds(row.containerStartMs!)}; ` +
              `(container − start) / local = ${((row.cicdContainerMs - row.containerStartMs!) / row.cicdLocalMs).toFixed(2)} (target ≤ 1.20)`),
      )
    }
  } finally {
    for (const repo of repos) await removeDir(repo.dir)
  }
  return rows
}
