// The build phase's benchmark: the example platform's three images built in parallel (as cicd does)
// against one after another (a Jenkins stage without `parallel`), in the same run, on the same engine,
// with the layer cache off on both sides (nocache), so each side builds every step. Prints the ratio
// against the target of at most 0.75 of the sequential wall time.
import {createImageEngine} from '../src/adapters/docker-images.js'
import {buildImages} from '../src/build/build-images.js'
import {discoverImages, type ImageSpec} from '../src/build/discover.js'
import {benchEnv, gitRepoFrom, median, removeDir, REPO_ROOT, RUNS, seconds, verdict} from './lib.js'

const TARGET = 0.75
const PLATFORM = `${REPO_ROOT}/test/fixtures/data-platform`

export async function benchImageBuilds(): Promise<void> {
  const engine = createImageEngine({host: benchEnv().DOCKER_HOST})
  const root = await gitRepoFrom(PLATFORM)
  const images: ImageSpec[] = discoverImages([], ['docker/airflow/Dockerfile', 'docker/spark/Dockerfile', 'docker/flink/Dockerfile'], root).map((image) => ({
    ...image,
    name: `cicd-bench-${image.name}`,
  }))
  const build = async (concurrency: number): Promise<number> => {
    const started = performance.now()
    const results = await buildImages({engine, root, images, concurrency, noCache: true})
    const failed = results.find((result) => result.status === 'failed')
    if (failed) throw new Error(`building ${failed.name} failed: ${failed.failure?.message}`)
    return performance.now() - started
  }
  try {
    // One warm-up of each, so that neither side pays the first access to the base images.
    await build(0)
    const parallel: number[] = []
    const sequential: number[] = []
    // Alternated, so a slow spell of the machine falls on both sides.
    for (let run = 0; run < RUNS; run += 1) {
      parallel.push(await build(0))
      sequential.push(await build(1))
    }
    const ratio = median(parallel) / median(sequential)
    console.log(`images: ${images.map((image) => image.dockerfile).join(', ')} (layer cache off on both sides)`)
    console.log(`  sequential (one after another): ${seconds(median(sequential))}`)
    console.log(`  parallel (cicd check --phase build): ${seconds(median(parallel))}`)
    console.log(`  ratio parallel/sequential: ${ratio.toFixed(2)} (target ≤ ${TARGET}) ${verdict(ratio <= TARGET)}`)
  } finally {
    for (const image of images) await engine.removeImage(`${image.name}:local`).catch(() => {})
    await removeDir(root)
  }
}
