// Issue 4's benchmark (d): what the pre-push hook costs on a push whose content was already checked. A real
// `git push` to a local bare remote with `cicd hooks install` in place, minus the same push with
// --no-verify. The hook finds cicd on PATH through a shim that runs this checkout's bin/run.js.
import {chmod, mkdtemp, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {benchEnv, CLI, describe, git, measure, medianSample, removeDir, repeat, RUNS, seconds, verdict, type Sample} from './lib.js'
import {changeOneModule, EXAMPLE, modulesToChange, plannedCommands, setCicdConfig, SKIPPED, type BenchRepoKind} from './repos.js'
import {line} from './static-check.js'

const TARGET_MS = 300
const BRANCH = 'feature/bench'

interface PushSetup {
  dir: string
  env: Record<string, string>
  /** A push of the branch (through the hook unless --no-verify), then the remote branch deleted again, so every push is the same new-branch push. */
  pushAndDelete: (verify: boolean, skip: string[]) => Promise<Sample>
  dispose: () => Promise<void>
}

async function setUp(kind: BenchRepoKind): Promise<PushSetup> {
  const dir = await kind.create()
  const remote = await mkdtemp(path.join(os.tmpdir(), 'cicd-bench-remote-'))
  const shim = await mkdtemp(path.join(os.tmpdir(), 'cicd-bench-bin-'))
  const dispose = async () => {
    for (const folder of [dir, remote, shim]) await removeDir(folder)
  }
  try {
    await writeFile(path.join(shim, 'cicd'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`)
    await chmod(path.join(shim, 'cicd'), 0o755)
    const env = benchEnv({PATH: `${shim}:/usr/bin:${process.env.PATH ?? ''}`})
    // The local runner: with the engine and the tools image present, `auto` would start a container per push.
    await setCicdConfig(dir, {runner: 'local'})
    await git(dir, 'commit', '-qam', 'bench: local runner')
    await git(dir, 'init', '-q', '--bare', remote)
    await git(dir, 'remote', 'add', 'origin', remote)
    await git(dir, 'push', '-q', '--no-verify', 'origin', 'main')
    await measure('node', [CLI, 'hooks', 'install'], {cwd: dir, env, okCodes: [0]})
    await git(dir, 'checkout', '-q', '-b', BRANCH)
    const files = (await plannedCommands(dir))[0].files
    await changeOneModule(dir, (await modulesToChange(dir, files)).leaf.file, 1)
    const pushAndDelete = async (verify: boolean, skip: string[]) => {
      const args = ['push', '-q', ...(verify ? [] : ['--no-verify']), 'origin', BRANCH]
      const sample = await measure('git', args, {cwd: dir, env: {...env, CICD_SKIP: skip.join(',')}, okCodes: [0]})
      await git(dir, 'push', '-q', '--no-verify', 'origin', '--delete', BRANCH)
      return sample
    }
    return {dir, env, pushAndDelete, dispose}
  } catch (error) {
    await dispose()
    throw error
  }
}

/** Pushes through the hook (content already checked) and with --no-verify, alternated; the difference is the hook's. */
async function overhead(setup: PushSetup, skip: string[]): Promise<{withHook: Sample; without: Sample}> {
  const hooked: Sample[] = []
  const plain: Sample[] = []
  for (let run = 0; run < RUNS; run++) {
    hooked.push(await setup.pushAndDelete(true, skip))
    plain.push(await setup.pushAndDelete(false, skip))
  }
  return {withHook: medianSample(hooked), without: medianSample(plain)}
}

function report(label: string, {withHook, without}: {withHook: Sample; without: Sample}, gated: boolean): void {
  const wall = withHook.wallMs - without.wallMs
  const cpu = withHook.userMs + withHook.sysMs - (without.userMs + without.sysMs)
  line(`git push through the hook, ${label}`, describe(withHook))
  line('git push --no-verify', describe(without))
  const target = gated ? `(target < ${seconds(TARGET_MS)}) ${verdict(wall < TARGET_MS)}` : '(for comparison)'
  line('  the hook\'s overhead (difference)', `${seconds(wall)} wall, ${seconds(cpu)} CPU ${target}`)
}

async function benchRepo(kind: BenchRepoKind): Promise<void> {
  // The generated repository has no tests, so its pushes also skip pytest.
  const hasTests = kind === EXAMPLE
  const skip = hasTests ? SKIPPED : [...SKIPPED, 'pytest']
  const setup = await setUp(kind)
  try {
    console.log(`${kind.name}: git push of ${BRANCH} (a new branch, 1 new commit) to a local bare remote; runner local`)
    // The first push checks the content and fills the cache: afterwards this content has been checked.
    line('first push (checks the content and fills the cache; not in the ratio)', describe(await setup.pushAndDelete(true, skip)))
    report(`CICD_SKIP=${skip.join(',')}`, await overhead(setup, skip), true)
    // pytest has no cached result yet, so on a repository with tests it runs on every push: shown apart.
    if (hasTests) report(`CICD_SKIP=${[...skip, 'pytest'].join(',')}`, await overhead(setup, [...skip, 'pytest']), false)
    const start = medianSample(await repeat(RUNS, () => measure('node', [CLI, '--version'], {cwd: setup.dir, okCodes: [0]})))
    line('  for scale: node bin/run.js --version (the CLI start alone)', describe(start))
  } finally {
    await setup.dispose()
  }
}

export async function benchHookOverhead(kinds: BenchRepoKind[]): Promise<void> {
  for (const kind of kinds) await benchRepo(kind)
}
