// Real git repositories for the hook tests: a bare remote and a clone-like working repository in a temp
// dir, a `cicd` on PATH that runs this checkout's bin/run.js, and a snapshot of everything a hook must
// never touch (status, stash, index, the bytes of every file).
import {execFileSync, spawn} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/run.js')

/**
 * Only flake8, blocking: a quick check whose verdict a test controls with one unused import. The fixture
 * has no tests, so the test phase the policy asks for passes on an empty collection. The local runner:
 * where a Docker engine answers (CI exports DOCKER_HOST), `auto` would pick the tools container, where a
 * test's stand-in executables on the host do not exist.
 */
export const FLAKE8_ONLY = {
  runner: 'local',
  test: {noTestsCollected: 'pass', coverage: {enabled: false}},
  checks: {
    flake8: {gate: 'block'},
    pylint: {enabled: false},
    black: {enabled: false},
    isort: {enabled: false},
    bandit: {enabled: false},
    safety: {enabled: false},
  },
}

export const CLEAN_MODULE = 'def add(first, second):\n    """Add two numbers."""\n    return first + second\n'
export const LINT_ERROR_MODULE = `import os\n\n\n${CLEAN_MODULE}`

export interface Result {
  status: number | null
  stdout: string
  stderr: string
}

export class GitFixture {
  readonly root: string
  readonly remote: string
  readonly work: string
  readonly bin: string
  readonly env: NodeJS.ProcessEnv

  constructor() {
    this.root = mkdtempSync(path.join(os.tmpdir(), 'cicd-hooks-test-'))
    this.remote = path.join(this.root, 'remote.git')
    this.work = path.join(this.root, 'work')
    this.bin = path.join(this.root, 'bin')
    mkdirSync(this.bin)
    writeFileSync(path.join(this.bin, 'cicd'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`, {mode: 0o755})
    const env: NodeJS.ProcessEnv = {...process.env, PATH: `${this.bin}:/usr/bin:/bin:${process.env.PATH ?? ''}`, NO_COLOR: '1'}
    for (const key of Object.keys(env)) if (key.startsWith('GIT_') || key === 'CICD_SKIP') delete env[key]
    this.env = env
  }

  /** A repository with one clean commit on main, pushed to the bare remote, and cicd's hook installed. */
  static async withHook(config: object = FLAKE8_ONLY): Promise<GitFixture> {
    const fixture = await GitFixture.empty()
    return fixture.settingUp(async () => {
      fixture.write('.cicdrc.json', `${JSON.stringify(config, null, 2)}\n`)
      fixture.write('pkg/__init__.py', '')
      fixture.write('pkg/mod.py', CLEAN_MODULE)
      await fixture.commitAll('initial')
      await fixture.git(['push', '-q', 'origin', 'main'])
      await fixture.cicd(['hooks', 'install'], {expect: 0})
    })
  }

  /** An initialised repository with the bare remote as origin, and no commits. */
  static async empty(): Promise<GitFixture> {
    const fixture = new GitFixture()
    return fixture.settingUp(async () => {
      await fixture.run('git', ['init', '-q', '--bare', '-b', 'main', fixture.remote], fixture.root, {expect: 0})
      await fixture.run('git', ['init', '-q', '-b', 'main', fixture.work], fixture.root, {expect: 0})
      await fixture.configureUser(fixture.work)
      await fixture.git(['remote', 'add', 'origin', fixture.remote])
    })
  }

  /** Runs setup steps; if one fails, the temp dir goes before the error reaches the test. */
  private async settingUp(steps: () => Promise<void>): Promise<this> {
    try {
      await steps()
      return this
    } catch (error) {
      this.dispose()
      throw error
    }
  }

  async configureUser(cwd: string): Promise<void> {
    await this.git(['config', 'user.email', 'dev@example.com'], {cwd})
    await this.git(['config', 'user.name', 'Dev'], {cwd})
  }

  /** Runs a program to its end without blocking the test worker (long synchronous spawns starve vitest's RPC). */
  run(command: string, args: string[], cwd: string, options: {env?: NodeJS.ProcessEnv; input?: string; expect?: number} = {}): Promise<Result> {
    return new Promise((resolve, reject) => {
      const input = options.input
      const child = spawn(command, args, {cwd, env: {...this.env, ...options.env}, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']})
      let stdout = ''
      let stderr = ''
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.on('error', reject)
      child.on('close', (status) => {
        if (options.expect !== undefined && status !== options.expect) {
          reject(new Error(`${command} ${args.join(' ')} exited ${status}, expected ${options.expect}\n${stdout}\n${stderr}`))
        } else resolve({status, stdout, stderr})
      })
      if (input !== undefined && child.stdin) {
        // A program may exit without reading all of it; that is its business, not an error here.
        child.stdin.on('error', () => {})
        child.stdin.end(input)
      }
    })
  }

  git(args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv; expect?: number} = {}): Promise<Result> {
    return this.run('git', args, options.cwd ?? this.work, {expect: 0, ...options})
  }

  cicd(args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv; input?: string; expect?: number} = {}): Promise<Result> {
    return this.run(process.execPath, [CLI, ...args], options.cwd ?? this.work, options)
  }

  /** `git push`, which runs the installed hook; its exit status is the verdict. */
  push(args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): Promise<Result> {
    return this.run('git', ['push', ...args], options.cwd ?? this.work, options)
  }

  /** Starts `git push` in its own process group, so a test can interrupt it like Ctrl-C would. */
  spawnPush(args: string[], env: NodeJS.ProcessEnv = {}) {
    const child = spawn('git', ['push', ...args], {cwd: this.work, env: {...this.env, ...env}, detached: true, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))))
    return {child, exited, stderr: () => stderr}
  }

  write(file: string, content: string, cwd = this.work): void {
    mkdirSync(path.dirname(path.join(cwd, file)), {recursive: true})
    writeFileSync(path.join(cwd, file), content)
  }

  writeExecutable(file: string, content: string): void {
    mkdirSync(path.dirname(file), {recursive: true})
    writeFileSync(file, content)
    chmodSync(file, 0o755)
  }

  async commitAll(message: string, cwd = this.work): Promise<string> {
    await this.git(['add', '-A'], {cwd})
    await this.git(['commit', '-q', '-m', message], {cwd})
    return (await this.git(['rev-parse', 'HEAD'], {cwd})).stdout.trim()
  }

  async remoteHas(ref: string): Promise<boolean> {
    return (await this.run('git', ['rev-parse', '--verify', '--quiet', ref], this.remote)).status === 0
  }

  async worktrees(cwd = this.work): Promise<string[]> {
    return (await this.git(['worktree', 'list', '--porcelain'], {cwd})).stdout
      .split('\n')
      .filter((line) => line.startsWith('worktree '))
      .map((line) => line.slice('worktree '.length))
  }

  /** Everything a hook must leave exactly as it was. */
  async snapshot(cwd = this.work): Promise<{status: string; stash: string; index: string; files: Record<string, string>}> {
    return {
      status: (await this.git(['status', '--porcelain=v1', '--untracked-files=all'], {cwd})).stdout,
      stash: (await this.git(['stash', 'list'], {cwd})).stdout,
      index: (await this.git(['ls-files', '-s'], {cwd})).stdout,
      files: readTree(cwd),
    }
  }

  /** Removes the temp dir, and any worktree a failed test left outside it (the hook's temporary ones). */
  dispose(): void {
    let listed = ''
    try {
      listed = execFileSync('git', ['worktree', 'list', '--porcelain'], {cwd: this.work, env: this.env, encoding: 'utf8'})
    } catch {
      // No repository yet: nothing registered.
    }
    for (const line of listed.split('\n')) {
      const worktree = line.startsWith('worktree ') ? line.slice('worktree '.length) : undefined
      if (worktree && !worktree.startsWith(`${this.root}${path.sep}`)) rmSync(worktree, {recursive: true, force: true})
    }
    rmSync(this.root, {recursive: true, force: true})
  }
}

function readTree(dir: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {}
  for (const entry of readdirSync(dir)) {
    if (prefix === '' && entry === '.git') continue
    const full = path.join(dir, entry)
    const relative = prefix ? `${prefix}/${entry}` : entry
    if (statSync(full).isDirectory()) Object.assign(files, readTree(full, relative))
    else files[relative] = readFileSync(full).toString('base64')
  }
  return files
}

export function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}
