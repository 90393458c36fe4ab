// Issue 4's hook benchmarks (a)–(c), side by side on each repository: cicd against the same tools one after
// another, against lefthook (`parallel: true`) and against pre-commit (`language: system` hooks), all running
// the same tools with the same arguments on the same files.
//   (a) a cold full static check (cicd with its result cache emptied, but enabled);
//   (b) a re-run with nothing changed (cicd answers from its cache; the others keep nothing between runs);
//   (c) one module changed (a line appended and committed), and how that grows with the repository's size.
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {TOOL_ENV} from '../src/pipeline/execute-check.js'
import {benchEnv, describe, git, measure, medianSample, REPO_ROOT, RUNS, seconds, verdict, type Sample} from './lib.js'
import {changeOneModule, modulesToChange} from './repos.js'
import {line, runCicd, runSequential, type BenchRepo} from './static-check.js'

/** lefthook's own binary (the npm package's bin/index.js only adds a node start in front of it). */
export const LEFTHOOK = path.join(REPO_ROOT, 'node_modules', `lefthook-${os.platform()}-${os.arch()}`, 'bin', 'lefthook')
const PRE_COMMIT = '/usr/bin/pre-commit'

const shellQuote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`)

/** lefthook.yml: the five tools as one pre-push hook, in parallel, each on every tracked *.py file. */
function lefthookConfig(repo: BenchRepo): string {
  const commands = repo.commands.map((command) => {
    const run = [command.argv[0], ...command.args].map(shellQuote).join(' ')
    return `    ${command.id}:\n      glob: "*.py"\n      run: ${JSON.stringify(`${run} {all_files}`)}\n`
  })
  return `pre-push:\n  parallel: true\n  commands:\n${commands.join('')}`
}

/** .pre-commit-config.yaml: the five tools as local `language: system` hooks on every *.py file. */
function preCommitConfig(repo: BenchRepo): string {
  const hooks = repo.commands.map(
    (command) =>
      `      - id: ${command.id}\n        name: ${command.id}\n        entry: ${JSON.stringify(command.argv[0])}\n` +
      `        args: ${JSON.stringify(command.args)}\n        language: system\n        files: '\\.py$'\n        types: [file]\n`,
  )
  return `repos:\n  - repo: local\n    hooks:\n${hooks.join('')}`
}

interface Alternatives {
  lefthook: (extra?: string[]) => Promise<Sample>
  preCommit: (extra?: string[]) => Promise<Sample>
  dispose: () => Promise<void>
}

async function installAlternatives(repo: BenchRepo): Promise<Alternatives> {
  await writeFile(path.join(repo.dir, 'lefthook.yml'), lefthookConfig(repo))
  await writeFile(path.join(repo.dir, '.pre-commit-config.yaml'), preCommitConfig(repo))
  await git(repo.dir, 'add', 'lefthook.yml', '.pre-commit-config.yaml')
  await git(repo.dir, 'commit', '-qm', 'bench: lefthook and pre-commit configurations')
  const home = await mkdtemp(path.join(os.tmpdir(), 'cicd-bench-pre-commit-'))
  const env = benchEnv({...TOOL_ENV, PRE_COMMIT_HOME: home, NO_COLOR: '1'})
  // Same file set on every side: lefthook's {all_files} with glob *.py, pre-commit's \.py$ are git's tracked
  // Python files, which must be exactly the files cicd checks.
  const tracked = (await git(repo.dir, 'ls-files', '--', '*.py')).split('\n').filter(Boolean).sort()
  if (tracked.join('\n') !== repo.commands[0].files.join('\n')) {
    throw new Error(`${repo.name}: cicd checks ${repo.commands[0].files.length} files but git tracks ${tracked.length} *.py files; the hook tools would check other files`)
  }
  return {
    lefthook: (extra = []) => measure(LEFTHOOK, ['run', 'pre-push', '--no-auto-install', '--colors', 'off', ...extra], {cwd: repo.dir, env}),
    preCommit: (extra = []) => measure(PRE_COMMIT, ['run', '--color', 'never', ...extra], {cwd: repo.dir, env}),
    dispose: () => rm(home, {recursive: true, force: true}),
  }
}

/** A cold start: the result cache emptied, and no run remembered for replay. */
async function clearCicdCache(repo: BenchRepo): Promise<void> {
  const common = await git(repo.dir, 'rev-parse', '--path-format=absolute', '--git-common-dir')
  await Promise.all(['cache', 'runs'].map((dir) => rm(path.join(common, 'cicd', dir), {recursive: true, force: true})))
}

interface CicdSample extends Sample {
  /** The checks answered from the cache. */
  cached: string[]
  /** A replay of a remembered run (no check started at all). */
  replayed: boolean
  /** Each check's own duration, slowest first ("pylint 8.1 s, isort 1.0 s, …"), from --json. */
  checks: string
}

/** cicd with its cache, reading back from --json which checks the cache answered and how long each took. */
async function cicdCached(repo: BenchRepo, env?: Record<string, string>): Promise<CicdSample> {
  const sample = await runCicd(repo, ['--runner', 'local'], env)
  const result = JSON.parse(sample.stdout ?? '{}') as {replayOf?: string; phases?: {checks: {id: string; cached: boolean; durationMs: number}[]}[]}
  const checks = (result.phases ?? []).flatMap((phase) => phase.checks).sort((a, b) => b.durationMs - a.durationMs)
  return {
    ...sample,
    cached: checks.filter((check) => check.cached).map((check) => check.id),
    replayed: result.replayOf !== undefined,
    checks: checks.map((check) => `${check.id} ${(check.durationMs / 1000).toFixed(1)} s`).join(', '),
  }
}

/** The median run's per-check durations (the run whose wall time is the median). */
function checksOf(samples: CicdSample[]): string {
  const sorted = [...samples].sort((a, b) => a.wallMs - b.wallMs)
  return sorted[Math.floor((sorted.length - 1) / 2)].checks
}

export interface HookRow {
  repo: BenchRepo
  files: number
  lines: number
  rerun: Sample
  /** (c) with a module no other module imports changed. */
  changed: Sample
}

async function pythonLines(repo: BenchRepo): Promise<number> {
  const texts = await Promise.all(repo.commands[0].files.map((file) => readFile(path.join(repo.dir, file), 'utf8')))
  return texts.reduce((sum, text) => sum + text.split('\n').length - 1, 0)
}

async function benchRepo(repo: BenchRepo, known: Sample | undefined): Promise<HookRow> {
  const alternatives = await installAlternatives(repo)
  try {
    const files = repo.commands[0].files.length
    const lines = await pythonLines(repo)
    console.log(`${repo.name}: ${files} Python files, ${lines} lines`)
    // Warm OS caches for every side, unless the static benchmark just ran the same tools on the same files.
    if (!known) await runSequential(repo)
    const cold: CicdSample[] = []
    const seq: Sample[] = []
    const lefthook: Sample[] = []
    const preCommit: Sample[] = []
    for (let run = 0; run < RUNS; run++) {
      await clearCicdCache(repo)
      cold.push(await cicdCached(repo))
      lefthook.push(await alternatives.lefthook())
      preCommit.push(await alternatives.preCommit(['--all-files']))
      if (!known) seq.push(await runSequential(repo))
    }
    const sequential = known ?? medianSample(seq)
    const a = {cicd: medianSample(cold), lefthook: medianSample(lefthook), preCommit: medianSample(preCommit)}
    const fastest = Math.min(a.lefthook.wallMs, a.preCommit.wallMs)
    const ratio = a.cicd.wallMs / sequential.wallMs
    console.log(' (a) cold full static check')
    line('the same tools one after another', `${describe(sequential)}${known ? ' (measured by the static benchmark)' : ''}`)
    line('lefthook run pre-push (parallel: true, {all_files})', describe(a.lefthook))
    line('pre-commit run --all-files (language: system)', describe(a.preCommit))
    line('cicd check --phase static, cache emptied', describe(a.cicd))
    line('  its checks (each one\'s own time, in parallel)', checksOf(cold))
    line('  cicd / sequential', `${ratio.toFixed(2)} (target ≤ 0.70) ${verdict(ratio <= 0.7)}`)
    line('  cicd / faster of lefthook and pre-commit', `${(a.cicd.wallMs / fastest).toFixed(2)} (target ≤ 1.00) ${verdict(a.cicd.wallMs <= fastest)}`)

    // The re-runs replay the run (a) remembered; CICD_RECHECK=1 shows the result cache answering alone.
    const warm: CicdSample[] = []
    const fromCache: CicdSample[] = []
    for (let run = 0; run < RUNS; run++) {
      warm.push(await cicdCached(repo))
      fromCache.push(await cicdCached(repo, {CICD_RECHECK: '1'}))
    }
    const rerun = medianSample(warm)
    const notCached = repo.commands.map((c) => c.id).filter((id) => warm.some((sample) => !sample.cached.includes(id)))
    const replays = warm.filter((sample) => sample.replayed).length
    const speedup = fastest / rerun.wallMs
    console.log(' (b) re-run, nothing changed (lefthook and pre-commit keep nothing between runs: a re-run is (a) again)')
    line('cicd check --phase static, CLI start included', `${describe(rerun)}; ${replays} of ${warm.length} replayed${notCached.length > 0 ? `; NOT answered from the cache: ${notCached.join(', ')}` : ''}`)
    line('  the result cache alone (CICD_RECHECK=1: no replay)', describe(medianSample(fromCache)))
    line('  under 0.5 s', `${seconds(rerun.wallMs)} (target < 0.50 s) ${verdict(rerun.wallMs < 500)}`)
    line('  faster of lefthook and pre-commit / cicd', `${speedup.toFixed(1)}× (target ≥ 20×) ${verdict(speedup >= 20)}`)

    // (c) twice: a module no other module imports (the change alone), and the module most others import
    // (cicd also re-lints its importers, as pylint's verdict on them may change).
    const modules = await modulesToChange(repo.dir, repo.commands[0].files)
    const [leaf, hub] = [modules.leaf.file, modules.hub.file]
    const importedBy = (count: number) => `imported by ${count} file${count === 1 ? '' : 's'}`
    const changed: Record<'leaf' | 'hub', CicdSample[]> = {leaf: [], hub: []}
    const lefthookOne: Sample[] = []
    const preCommitOne: Sample[] = []
    let mark = 0
    for (let run = 0; run < RUNS; run++) {
      await changeOneModule(repo.dir, leaf, ++mark)
      changed.leaf.push(await cicdCached(repo))
      lefthookOne.push(await alternatives.lefthook(['--file', leaf]))
      preCommitOne.push(await alternatives.preCommit(['--files', leaf]))
      await changeOneModule(repo.dir, hub, ++mark)
      changed.hub.push(await cicdCached(repo))
    }
    const c = {leaf: medianSample(changed.leaf), hub: medianSample(changed.hub), lefthook: medianSample(lefthookOne), preCommit: medianSample(preCommitOne)}
    console.log(` (c) one module changed: a line appended and committed, cicd's cache warm from the previous run`)
    line(`lefthook run pre-push --file ${leaf}`, describe(c.lefthook))
    line(`pre-commit run --files ${leaf}`, describe(c.preCommit))
    line(`cicd check --phase static, ${leaf} changed (${importedBy(modules.leaf.importers)})`, describe(c.leaf))
    line('  its checks', checksOf(changed.leaf))
    line(`cicd check --phase static, ${hub} changed (${importedBy(modules.hub.importers)})`, describe(c.hub))
    line('  its checks', checksOf(changed.hub))
    line('  lefthook and pre-commit on the changed file alone', 'pylint sees no importer of the change (cicd re-lints them)')
    line('  lefthook and pre-commit on every file, as in (a)', `lefthook ${seconds(a.lefthook.wallMs)}, pre-commit ${seconds(a.preCommit.wallMs)}`)
    return {repo, files, lines, rerun, changed: c.leaf}
  } finally {
    await alternatives.dispose()
  }
}

/** (c) across repositories: the one-file change should cost about the same in a repository several times larger. */
function growth(rows: HookRow[]): void {
  if (rows.length < 2) return
  const [small, large] = [...rows].sort((a, b) => a.lines - b.lines)
  const sizeRatio = large.lines / small.lines
  const timeRatio = large.changed.wallMs / small.changed.wallMs
  const cpuRatio = (large.changed.userMs + large.changed.sysMs) / (small.changed.userMs + small.changed.sysMs)
  console.log(' (c) growth with the repository: the least imported module changed')
  line(`${small.repo.name} (${small.lines} lines)`, describe(small.changed))
  line(`${large.repo.name} (${large.lines} lines, ×${sizeRatio.toFixed(1)})`, describe(large.changed))
  // Both: the wall time alone would flatter a change whose extra work runs on an idle core.
  line('  large / small (target ≤ 1.5 in wall and CPU time)', `wall ×${timeRatio.toFixed(2)}, CPU ×${cpuRatio.toFixed(2)} ${verdict(timeRatio <= 1.5 && cpuRatio <= 1.5)}`)
}

export async function benchHooks(repos: BenchRepo[], sequential: Map<string, Sample>): Promise<void> {
  const rows: HookRow[] = []
  for (const repo of repos) rows.push(await benchRepo(repo, sequential.get(repo.dir)))
  growth(rows)
}
