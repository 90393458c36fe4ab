import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type {Readable} from 'node:stream'

import {afterEach, describe, expect, it} from 'vitest'

import type {ImageBuildRequest} from '../../../src/adapters/docker-images.js'
import {BuildFailedError} from '../../../src/adapters/docker.js'
import {buildCheckResult, buildImages} from '../../../src/build/build-images.js'
import {listContextFiles} from '../../../src/build/context.js'
import {discoverImages, imageTags} from '../../../src/build/discover.js'
import {baseImages, parseReference} from '../../../src/build/dockerfile.js'
import {pushRefused} from '../../../src/build/push.js'
import {UsageError} from '../../../src/errors.js'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, {recursive: true, force: true})))
})

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-build-unit-'))
  dirs.push(dir)
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), {recursive: true})
    await writeFile(path.join(dir, file), content)
  }
  return dir
}

describe('image discovery', () => {
  it('finds docker/NAME/Dockerfile (root context), NAME/Dockerfile (own context) and a root Dockerfile', () => {
    const files = ['docker/airflow/Dockerfile', 'docker/spark/Dockerfile', 'api/Dockerfile', 'Dockerfile', 'deep/a/b/Dockerfile', 'src/x.py']
    expect(discoverImages([], files, '/home/dev/Data Platform')).toEqual([
      {name: 'data-platform', dockerfile: 'Dockerfile', context: '.', buildArgs: {}},
      {name: 'api', dockerfile: 'api/Dockerfile', context: 'api', buildArgs: {}},
      {name: 'airflow', dockerfile: 'docker/airflow/Dockerfile', context: '.', buildArgs: {}},
      {name: 'spark', dockerfile: 'docker/spark/Dockerfile', context: '.', buildArgs: {}},
    ])
  })

  it('takes configured images as they are, and names a configured Dockerfile that is missing', () => {
    const configured = [{name: 'etl', dockerfile: 'build/etl.Dockerfile', context: '.', target: 'prod', buildArgs: {PY: '3.11'}}]
    expect(discoverImages(configured, ['build/etl.Dockerfile'], '/r')).toEqual(configured)
    expect(() => discoverImages(configured, [], '/r')).toThrow(/the Dockerfile of image "etl" \(build\/etl.Dockerfile\) is not in the repository/)
  })

  it('refuses two Dockerfiles that would give the same image name', () => {
    expect(() => discoverImages([], ['docker/api/Dockerfile', 'api/Dockerfile'], '/r')).toThrow(UsageError)
  })

  it('tags NAME:SHORT-SHA and NAME:local', () => {
    expect(imageTags('airflow', 'abc1234')).toEqual(['airflow:abc1234', 'airflow:local'])
    expect(imageTags('airflow', undefined)).toEqual(['airflow:local'])
  })

  it('refuses --push with a usage error that says CI pushes', () => {
    const error = pushRefused()
    expect(error.exitCode).toBe(2)
    expect(error.message).toMatch(/does not push images.*CI/)
  })
})

describe('Dockerfile base images', () => {
  it('reads FROM lines with ARG defaults, skipping stages and scratch', () => {
    const text = ['ARG PY=3.11', 'FROM python:${PY}-slim AS build', 'RUN x', 'FROM --platform=linux/amd64 build', 'FROM scratch', 'FROM \\', '  ghcr.io/org/img@sha256:abc'].join('\n')
    expect(baseImages(text)).toEqual([
      {reference: 'python:3.11-slim', line: 2},
      {reference: 'ghcr.io/org/img@sha256:abc', line: 6},
    ])
    expect(baseImages(text, {PY: '3.12'})[0].reference).toBe('python:3.12-slim')
  })

  it('splits references like the engine', () => {
    expect(parseReference('bitnami/spark:3.5.0')).toEqual({registry: 'docker.io', repository: 'bitnami/spark', tag: '3.5.0', digest: undefined})
    expect(parseReference('localhost:5000/x')).toMatchObject({registry: 'localhost:5000', repository: 'x', tag: undefined})
  })
})

describe('build context', () => {
  it('honours .dockerignore without walking ignored directories, and always sends the Dockerfile', async () => {
    const dir = await tree({
      '.dockerignore': 'docker\ndata\n*.md\n!KEEP.md\n',
      'docker/airflow/Dockerfile': 'FROM x',
      'docker/airflow/notes.txt': 'n',
      'src/a.py': '',
      'README.md': '',
      'KEEP.md': '',
      'data/huge.bin': 'x',
    })
    expect((await listContextFiles(dir, 'docker/airflow/Dockerfile')).files).toEqual(['.dockerignore', 'KEEP.md', 'docker/airflow/Dockerfile', 'src/a.py'])
  })
})

describe('parallel builds', () => {
  it('starts every build before any finishes, records ids and tags, and reports the failing step and tail', async () => {
    const root = await tree({'docker/ok/Dockerfile': 'FROM base:1\n', 'docker/bad/Dockerfile': 'FROM base:1\nRUN false\n', 'src/a.py': ''})
    const started: string[] = []
    let release: () => void = () => {}
    const allStarted = new Promise<void>((resolve) => (release = resolve))
    const engine = {
      async build(request: ImageBuildRequest) {
        started.push(request.tags[0])
        ;(request.context as Readable).resume()
        if (started.length === 2) release()
        await allStarted
        request.onOutput?.('Step 1/2 : FROM base:1')
        if (request.dockerfile.includes('bad')) throw new BuildFailedError("The command '/bin/sh -c false' returned a non-zero code: 1", 'Step 2/2 : RUN false', ['boom'])
        return {imageId: 'sha256:ok', durationMs: 1}
      },
      imageId: async () => 'sha256:base',
    }
    const lines: string[] = []
    const results = await buildImages({
      engine,
      root,
      images: discoverImages([], ['docker/ok/Dockerfile', 'docker/bad/Dockerfile'], root),
      shortSha: 'abc1234',
      concurrency: 0,
      onOutput: (image, line) => lines.push(`${image}: ${line}`),
    })
    expect(results.map((r) => [r.name, r.status, r.imageId])).toEqual([
      ['bad', 'failed', undefined],
      ['ok', 'built', 'sha256:ok'],
    ])
    expect(lines).toContain('ok: Step 1/2 : FROM base:1')
    const failed = buildCheckResult(results[0])
    expect(failed).toMatchObject({id: 'build:bad', status: 'failed', phase: 'build'})
    expect(failed.reason).toMatch(/non-zero code: 1\nfailing step: Step 2\/2 : RUN false\nboom/)
    expect(buildCheckResult(results[1]).reason).toBe('built ok:abc1234, ok:local (sha256:ok)')
  })

  it('says the base image is missing when a FROM step cannot pull it', async () => {
    const root = await tree({'docker/app/Dockerfile': 'FROM registry.invalid/nothing:1\n'})
    const engine = {
      async build(request: ImageBuildRequest) {
        ;(request.context as Readable).resume()
        throw new BuildFailedError('pull access denied for registry.invalid/nothing, repository does not exist', 'Step 1/1 : FROM registry.invalid/nothing:1', [])
      },
      imageId: async () => undefined,
    }
    const [result] = await buildImages({engine, root, images: discoverImages([], ['docker/app/Dockerfile'], root), concurrency: 1})
    expect(result.failure?.message).toMatch(/^the base image registry.invalid\/nothing:1 \(docker\/app\/Dockerfile:1\) is not on this Docker engine and could not be pulled: .*docker pull registry.invalid\/nothing:1/)
  })
})
