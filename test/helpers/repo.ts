// Real git repositories in temporary directories: the example platform copied and committed, or any
// files a test writes; removed by the caller's cleanup.
import {execa} from 'execa'
import {cp, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {REPO_ROOT} from './cli.js'

export const EXAMPLE_PLATFORM = path.join(REPO_ROOT, 'test/fixtures/data-platform')

const GIT_IDENTITY = ['-c', 'user.name=cicd tests', '-c', 'user.email=tests@example.invalid', '-c', 'commit.gpgsign=false']

export interface TempRepo {
  dir: string
  write(file: string, content: string | Buffer): Promise<void>
  read(file: string): Promise<string>
  git(...args: string[]): Promise<string>
  commitAll(message?: string): Promise<void>
  remove(): Promise<void>
}

export async function createTempRepo(options: {from?: string; prefix?: string} = {}): Promise<TempRepo> {
  const dir = await mkdtemp(path.join(os.tmpdir(), options.prefix ?? 'cicd-test-'))
  if (options.from) await cp(options.from, dir, {recursive: true})
  const git = async (...args: string[]) => (await execa('git', [...GIT_IDENTITY, ...args], {cwd: dir})).stdout
  await git('init', '-q', '-b', 'main')
  const repo: TempRepo = {
    dir,
    async write(file, content) {
      await mkdir(path.dirname(path.join(dir, file)), {recursive: true})
      await writeFile(path.join(dir, file), content)
    },
    read: (file) => readFile(path.join(dir, file), 'utf8'),
    git,
    async commitAll(message = 'test') {
      await git('add', '-A')
      await git('commit', '-q', '--allow-empty', '-m', message)
    },
    remove: () => rm(dir, {recursive: true, force: true}),
  }
  if (options.from) await repo.commitAll('initial')
  return repo
}
