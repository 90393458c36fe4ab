// `cicd tools build` through the CLI against the real test engine: the shipped Dockerfile, the versions
// pinned in configuration, an offline build over a base that carries them, and the failures a user meets.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {DockerAdapter} from '../../src/adapters/docker.js'
import {CleanupStack} from '../../src/lifecycle/cleanup.js'
import {createContainerRunner} from '../../src/runners/container.js'
import {runCli} from '../helpers/cli.js'
import {requireDockerEngine, TEST_BASE_IMAGE, testDockerHost} from '../helpers/docker.js'
import {createTempRepo, type TempRepo} from '../helpers/repo.js'

const TAG = 'cicd-tools:test'
const FAILED_TAG = 'cicd-tools:test-unbuildable'

let docker: DockerAdapter
let repo: TempRepo
const timings: Record<string, number> = {}

beforeAll(async () => {
  docker = await requireDockerEngine()
  repo = await createTempRepo({prefix: 'cicd-tools-build-'})
  await repo.write('app.py', 'VALUE = 1\n')
  await repo.commitAll()
})

afterAll(async () => {
  await docker?.removeImage(TAG)
  await docker?.removeImage(FAILED_TAG)
  await repo?.remove()
  if (Object.keys(timings).length > 0) console.info('tools build timings (ms):', JSON.stringify(timings))
})

const env = () => ({DOCKER_HOST: testDockerHost()})

describe('cicd tools build', () => {
  it('builds offline over a base that carries the pinned versions, and the image runs them', async () => {
    await docker.removeImage(TAG)
    const started = performance.now()
    const result = await runCli(['tools', 'build', '--base', TEST_BASE_IMAGE, '--tag', TAG, '--without', 'safety,pip-audit', '--cwd', repo.dir], {env: env()})
    timings.imageBuildMs = Math.round(performance.now() - started)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toMatch(
      /^Built cicd-tools:test on cicd-test\/python-tools:bookworm in [\d.]+ s: flake8 5\.0\.4, pylint 2\.16\.2, black 23\.1\.0, isort 5\.6\.4, bandit 1\.6\.2, pytest 7\.2\.1, pytest-cov 4\.0\.0$/,
    )
    // The build output streams to stderr: the install script checked each pinned version.
    expect(result.stderr).toContain('cicd tools image: flake8 5.0.4 already present')
    expect(result.stderr).not.toMatch(/cicd tools image: (safety|pip-audit)/)

    const cleanup = new CleanupStack()
    const runner = await createContainerRunner({root: repo.dir, image: TAG, cleanup, docker})
    try {
      const version = await runner.run({argv: ['flake8', '--version'], cwd: repo.dir})
      expect(version.stdout).toMatch(/^5\.0\.4 /)
      const home = await runner.run({argv: ['sh', '-c', 'echo "$HOME"'], cwd: repo.dir})
      expect(home.stdout).toBe('/tmp\n')
    } finally {
      await cleanup.runAll()
    }
  })

  it('installs the versions the configuration pins, and says why it cannot without PyPI (exit 3)', async () => {
    await repo.write('.cicdrc.json', JSON.stringify({tools: {versions: {flake8: '9.9.9'}}}))
    try {
      const result = await runCli(['tools', 'build', '--base', TEST_BASE_IMAGE, '--tag', FAILED_TAG, '--without', 'safety,pip-audit', '--cwd', repo.dir, '--quiet'], {
        env: env(),
      })
      expect(result.exitCode).toBe(3)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(/^Error: Building the tools image cicd-tools:test-unbuildable failed at Step \d+\/\d+ : RUN .*: returned a non-zero code: 1\n/)
      expect(result.stderr).toContain('| cicd tools image: flake8 9.9.9 needed (base has 5.0.4)')
      expect(result.stderr).toContain('| cicd tools image: cannot install flake8==9.9.9: the base image has no pip.')
      expect(result.stderr).toContain('| or leave them out of the image: cicd tools build --without flake8\n')
      expect(result.stderr).not.toMatch(/\x1B\[/)
      expect(await docker.imageExists(FAILED_TAG)).toBe(false)
    } finally {
      await repo.write('.cicdrc.json', '{}')
    }
  })

  it('rejects a tool that is not pinned (exit 2)', async () => {
    const result = await runCli(['tools', 'build', '--without', 'flake9', '--cwd', repo.dir], {env: env()})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('Error: --without names no pinned tool: flake9.')
    expect(result.stderr).toMatch(/→ Use one of: flake8, pylint, black, isort, bandit, pytest, pytest-cov, safety, pip-audit/)
  })

  it('says the engine is unreachable and what to do (exit 3)', async () => {
    const result = await runCli(['tools', 'build', '--cwd', repo.dir], {env: {DOCKER_HOST: 'unix:///run/cicd-no-such-engine.sock'}})
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toContain('Error: The Docker engine does not answer at unix:///run/cicd-no-such-engine.sock.')
    expect(result.stderr).toContain('→ Start Docker, or set DOCKER_HOST')
  })
})
