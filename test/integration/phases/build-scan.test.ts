// The build and scan phases on the real Docker engine (scripts/provision/docker.sh and test-images.sh):
// the example platform's three Dockerfiles built in parallel with a 1 GB .dockerignore'd file in the
// context that is never sent, a Dockerfile syntax error, a missing base image, and Trivy scans played by
// the STAND-IN scanner image (test/fixtures/trivy-stand-in), which replays recorded real Trivy reports.
import {truncate} from 'node:fs/promises'
import path from 'node:path'
import {PassThrough} from 'node:stream'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createImageEngine, type ImageBuildRequest, type ImageEngine} from '../../../src/adapters/docker-images.js'
import {buildCheckResult, buildImages, type ImageBuildResult} from '../../../src/build/build-images.js'
import {discoverImages} from '../../../src/build/discover.js'
import {scanSchema} from '../../../src/config/sections/scan.js'
import {scanCheckResult, scanImages} from '../../../src/scan/scan-images.js'
import {requireDockerEngine, testDockerHost} from '../../helpers/docker.js'
import {createTempRepo, EXAMPLE_PLATFORM, type TempRepo} from '../../helpers/repo.js'

/** The Trivy STAND-IN built by scripts/provision/test-images.sh. */
const TRIVY_STAND_IN = 'cicd-test/trivy-stand-in:1'
const SUFFIX = `it${process.pid}`

let repo: TempRepo
let engine: ImageEngine
const tagsToRemove: string[] = []
const volumesToRemove: string[] = []

beforeAll(async () => {
  await requireDockerEngine()
  engine = createImageEngine({host: testDockerHost()})
  if ((await engine.imageId(TRIVY_STAND_IN)) === undefined) throw new Error(`${TRIVY_STAND_IN} is missing: run scripts/provision/test-images.sh`)
  repo = await createTempRepo({from: EXAMPLE_PLATFORM, prefix: 'cicd-build-'})
  // Ignored by the platform's .dockerignore (tests/); sparse, so it costs no disk.
  await repo.write('tests/huge.bin', '')
  await truncate(path.join(repo.dir, 'tests/huge.bin'), 1024 ** 3)
}, 60_000)

afterAll(async () => {
  for (const tag of tagsToRemove) await engine?.removeImage(tag).catch(() => {})
  for (const volume of volumesToRemove) await engine?.removeVolume(volume).catch(() => {})
  await repo?.remove()
}, 120_000)

/** The real engine, with the context bytes counted and each build's start and end recorded. */
function instrumented() {
  const sent = new Map<string, number>()
  const spans = new Map<string, {start: number; end: number}>()
  const wrapped: Pick<ImageEngine, 'build' | 'imageId'> = {
    imageId: (reference) => engine.imageId(reference),
    async build(request: ImageBuildRequest) {
      const name = request.tags[0]
      const counter = new PassThrough()
      let bytes = 0
      counter.on('data', (chunk: Buffer) => (bytes += chunk.length))
      request.context.pipe(counter)
      const start = performance.now()
      try {
        return await engine.build({...request, context: counter})
      } finally {
        spans.set(name, {start, end: performance.now()})
        sent.set(name, bytes)
      }
    },
  }
  return {engine: wrapped, sent, spans}
}

function platformImages() {
  const found = discoverImages([], ['docker/airflow/Dockerfile', 'docker/spark/Dockerfile', 'docker/flink/Dockerfile'], repo.dir)
  return found.map((image) => ({...image, name: `cicd-${SUFFIX}-${image.name}`}))
}

describe('build phase on the real engine', () => {
  let built: ImageBuildResult[]

  it('builds the three platform images in parallel, tagged and recorded, without sending the ignored 1 GB file', async () => {
    const {engine: counted, sent, spans} = instrumented()
    const lines: string[] = []
    const images = platformImages()
    tagsToRemove.push(...images.flatMap((image) => [`${image.name}:abc1234`, `${image.name}:local`]))
    built = await buildImages({engine: counted, root: repo.dir, images, shortSha: 'abc1234', concurrency: 0, onOutput: (image, line) => lines.push(`${image} ${line}`)})
    expect(built.map((b) => [b.status, b.failure])).toEqual([
      ['built', undefined],
      ['built', undefined],
      ['built', undefined],
    ])
    for (const image of built) {
      expect(await engine.imageId(`${image.name}:local`)).toBe(image.imageId)
      expect(await engine.imageId(`${image.name}:abc1234`)).toBe(image.imageId)
      expect(sent.get(`${image.name}:abc1234`)).toBeLessThan(1024 * 1024)
    }
    const all = [...spans.values()]
    expect(Math.max(...all.map((s) => s.start))).toBeLessThan(Math.min(...all.map((s) => s.end)))
    expect(lines.some((line) => /^cicd-\S+-airflow Step \d+\/\d+ : COPY/.test(line))).toBe(true)
  }, 300_000)

  it('reports a Dockerfile syntax error and a missing base image with what to do', async () => {
    await repo.write('docker/typo/Dockerfile', 'FROM apache/airflow:3.1.0-python3.10\nFORM oops\n')
    await repo.write('docker/nobase/Dockerfile', 'FROM registry.invalid/cicd/nothing:1.0\nCOPY src/ /app/src/\n')
    const images = discoverImages([], ['docker/typo/Dockerfile', 'docker/nobase/Dockerfile'], repo.dir).map((image) => ({...image, name: `cicd-${SUFFIX}-${image.name}`}))
    tagsToRemove.push(...images.map((image) => `${image.name}:local`))
    const [nobase, typo] = await buildImages({engine, root: repo.dir, images, concurrency: 0})
    expect(typo.status).toBe('failed')
    expect(typo.failure?.message).toMatch(/unknown instruction: FORM/i)
    expect(nobase.status).toBe('failed')
    expect(nobase.failure?.message).toMatch(/^the base image registry.invalid\/cicd\/nothing:1.0 \(docker\/nobase\/Dockerfile:1\) is not on this Docker engine and could not be pulled: .*docker pull registry.invalid\/cicd\/nothing:1.0/s)
    expect(buildCheckResult(nobase)).toMatchObject({id: `build:cicd-${SUFFIX}-nobase`, status: 'failed'})
  }, 180_000)

  it('scans each built image with the Trivy STAND-IN: findings per image, warn by default, block when configured', async () => {
    const config = scanSchema.parse({image: TRIVY_STAND_IN})
    const targets = built.map((image) => ({name: image.name, reference: `${image.name}:local`, dockerfile: image.dockerfile}))
    const results = await scanImages({engine, root: repo.dir, targets, config})
    const checks = results.map((result) => scanCheckResult(result, config))
    expect(checks.map((c) => [c.id.replace(`cicd-${SUFFIX}-`, ''), c.status, c.findings.length])).toEqual([
      ['scan:airflow', 'passed', 0],
      ['scan:flink', 'warned', 1],
      ['scan:spark', 'warned', 2],
    ])
    expect(checks[1].findings[0]).toMatchObject({tool: 'trivy', rule: 'CVE-2019-14806', file: 'docker/flink/Dockerfile', severity: 'error'})
    expect(scanCheckResult(results[2], {...config, gate: 'block'}).status).toBe('failed')
  }, 300_000)

  it('honours .trivyignore, and reads an empty report and one without Results', async () => {
    await repo.write('.trivyignore', '# accepted until the base image moves\nCVE-2019-14697\n')
    const spark = built.find((image) => image.name.endsWith('spark'))!
    const reference = `${spark.name}:local`
    const config = scanSchema.parse({image: TRIVY_STAND_IN})
    const results = await scanImages({
      engine,
      root: repo.dir,
      config,
      targets: [
        {name: spark.name, reference, dockerfile: spark.dockerfile},
        // The STAND-IN picks its recorded report by the archive's name, which is the target's.
        {name: 'empty', reference, dockerfile: spark.dockerfile},
        {name: 'no-results', reference, dockerfile: spark.dockerfile},
      ],
    })
    expect(results.map((r) => [r.status, r.vulnerabilities.length, r.error])).toEqual([
      ['scanned', 0, undefined],
      ['error', 0, 'Trivy wrote an empty report (no JSON at all)'],
      ['scanned', 0, undefined],
    ])
  }, 300_000)

  it('offline on a fresh database volume: the scanner says it has no database (a crash, not findings)', async () => {
    const volume = `cicd-trivy-cache-${SUFFIX}`
    volumesToRemove.push(volume)
    const spark = built.find((image) => image.name.endsWith('spark'))!
    const config = scanSchema.parse({image: TRIVY_STAND_IN, offline: true, cacheVolume: volume})
    const [result] = await scanImages({engine, root: repo.dir, config, targets: [{name: spark.name, reference: `${spark.name}:local`, dockerfile: spark.dockerfile}]})
    expect(result.status).toBe('error')
    expect(result.error).toMatch(/^Trivy failed \(exit code 1\):[\s\S]*--skip-db-update cannot be specified on the first run/)
  }, 120_000)
})
