// Two bad inputs of the build and test phases, through the CLI: the Docker engine going away in the middle
// of the image builds (a proxy in front of the test engine, cut while three slow builds run), and tests
// that write outside the repository (HOME, the temp directory, and the repository itself in the container).
import {mkdir, mkdtemp, readdir, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import type Dockerode from 'dockerode'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createImageEngine, type ImageEngine} from '../../../src/adapters/docker-images.js'
import {runCli, startCli} from '../../helpers/cli.js'
import {requireDockerEngine, startEngineProxy, TEST_BASE_IMAGE, TEST_TOOLS_IMAGE, testDockerHost} from '../../helpers/docker.js'
import {createTempRepo, type TempRepo} from '../../helpers/repo.js'

const STACK_TRACE = /\n\s+at .+:\d+:\d+/

describe('the Docker engine going away in the middle of the builds', () => {
  // In the slow step's command line: finds this test's build containers among everyone else's, and keeps
  // the engine's layer cache from ever answering the step.
  const marker = `cicd-badinput-${process.pid}-${Date.now()}`
  const names = ['one', 'two', 'three'].map((n) => `cicd-badinput-${process.pid}-${n}`)
  let engine: ImageEngine
  let dockerode: Dockerode
  let repo: TempRepo
  let scratch: string

  const buildContainers = async () => (await dockerode.listContainers({all: true})).filter((c) => c.Command.includes(marker))

  beforeAll(async () => {
    await requireDockerEngine()
    engine = createImageEngine({host: testDockerHost()})
    const {default: Docker} = await import('dockerode')
    dockerode = new Docker({socketPath: new URL(testDockerHost()).pathname})
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cicd-engine-cut-'))
    repo = await createTempRepo({prefix: 'cicd-engine-cut-repo-'})
    await repo.write('images/Dockerfile', `FROM ${TEST_BASE_IMAGE}\nRUN sleep 5 && echo ${marker}\nRUN echo built > /built.txt\n`)
    await repo.write('.cicdrc.json', JSON.stringify({build: {images: names.map((name) => ({name, dockerfile: 'images/Dockerfile', context: 'images'}))}}))
    await repo.commitAll()
  })

  afterAll(async () => {
    // Only a failing run tags anything: a cut that came too late.
    const sha = repo && (await repo.git('rev-parse', '--short', 'HEAD')).trim()
    for (const name of names) for (const tag of ['local', sha]) await engine?.removeImage(`${name}:${tag}`).catch(() => {})
    await repo?.remove()
    await rm(scratch, {recursive: true, force: true})
  })

  it('exits 3 naming the engine and the interrupted builds, prints the summary, writes the report, leaves nothing behind', async () => {
    const proxy = await startEngineProxy(scratch)
    // cicd's own temporary files go here, so the test can see that none is left.
    const tmp = path.join(scratch, 'tmp')
    await mkdir(tmp)
    const child = startCli(['check', '--cwd', repo.dir, '--phase', 'build', '--runner', 'local'], {env: {DOCKER_HOST: proxy.host, TMPDIR: tmp}, timeoutMs: 60_000})
    // Cut while all three builds run their slow step.
    await until(async () => (await buildContainers()).filter((c) => c.State === 'running').length === 3, 30_000)
    await proxy.cut()
    const result = await child
    const [stdout, stderr] = [String(result.stdout), String(result.stderr)]

    expect(result.exitCode, stderr).toBe(3)
    expect(stderr).toMatch(/The Docker engine at unix:\/\/\S+engine-proxy\.sock stopped answering in the middle of the image builds: interrupted /)
    for (const name of names) expect(stderr).toMatch(new RegExp(`${name} \\(at Step 2/3 : RUN sleep 5`))
    expect(stderr).toMatch(/docker info/)
    expect(stderr).not.toMatch(STACK_TRACE)
    // The summary table still comes, with the build phase as an error.
    expect(stdout).toMatch(/^build\s+error\b/m)
    expect(stdout).toMatch(/failed \(exit 3\)/)

    // The report folder is complete, and says the same.
    const reportDir = stderr.match(/report: (\S+)\/index\.html/)![1]
    expect((await readdir(reportDir)).sort()).toEqual(['index.html', 'junit.xml', 'results.sarif', 'summary.json'])
    const summary = JSON.parse(await readFile(path.join(reportDir, 'summary.json'), 'utf8')) as {exitCode: number; phases: {id: string; status: string}[]}
    expect(summary).toMatchObject({exitCode: 3, phases: [{id: 'build', status: 'error'}]})

    // The engine stops a build whose client went away: its containers go, nothing is tagged.
    await until(async () => (await buildContainers()).length === 0, 20_000)
    for (const name of names) expect(await engine.imageId(`${name}:local`)).toBeUndefined()
    expect(await readdir(tmp)).toEqual([])
  }, 60_000)
})

describe('tests that write outside the repository', () => {
  // Unique, since a write to `../` lands next to the temp repository, in the shared temp directory.
  const outside = `cicd-outside-${process.pid}-${Date.now()}.txt`
  let repo: TempRepo
  let scratch: string
  /** The HOME and TMPDIR the CLI gets, to see what reaches them. */
  let home: string
  let tmp: string

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cicd-writes-'))
    ;[home, tmp] = [path.join(scratch, 'home'), path.join(scratch, 'tmp')]
    await Promise.all([mkdir(home), mkdir(tmp)])
    repo = await createTempRepo({prefix: 'cicd-writes-repo-'})
    await repo.write('tests/test_writes.py', writingTests({home, tmp, outside}))
    await repo.write('.cicdrc.json', JSON.stringify({test: {paths: ['tests'], coverage: {enabled: false}}}))
    await repo.commitAll()
  })

  afterAll(async () => {
    if (repo) await rm(path.join(path.dirname(repo.dir), outside), {force: true})
    await repo?.remove()
    await rm(scratch, {recursive: true, force: true})
  })

  async function check(runner: 'local' | 'container') {
    const result = await runCli(['check', '--cwd', repo.dir, '--phase', 'test', '--runner', runner, '--tools-image', TEST_TOOLS_IMAGE], {
      // cicd's own cache (tool versions, validated configurations) goes elsewhere: HOME is to show the tests' writes.
      env: {HOME: home, TMPDIR: tmp, XDG_CACHE_HOME: path.join(scratch, 'cache'), DOCKER_HOST: testDockerHost()},
      timeoutMs: 120_000,
    })
    const summary = JSON.parse(await readFile(path.join(repo.dir, '.cicd/reports/latest/summary.json'), 'utf8')) as {
      phases: {checks: {id: string; status: string; findings: {message: string; line: number}[]; tests?: {passed: number; failed: number}}[]}[]
    }
    const pytest = summary.phases[0]!.checks[0]!
    return {...result, pytest, explained: `${result.stderr}\n${JSON.stringify(pytest.findings, null, 2)}`}
  }

  it("local runner: HOME and TMPDIR writes land in the run's own directories and go with it; ../ is written where it says", async () => {
    const result = await check('local')
    expect(result.exitCode, result.explained).toBe(0)
    expect(result.pytest).toMatchObject({id: 'pytest', status: 'passed', tests: {passed: 4, failed: 0}})
    // The writes went to cicd's directories (the tests check that), which are gone; the caller's HOME is untouched.
    expect(await readdir(home)).toEqual([])
    expect(await readdir(tmp)).toEqual([])
    // Not preventable locally, as docs/configuration.md says: the explicit path outside was written.
    expect(await readFile(path.join(path.dirname(repo.dir), outside), 'utf8')).toBe('outside')
    await rm(path.join(path.dirname(repo.dir), outside))
    expect(await repo.git('status', '--porcelain', '--ignored')).not.toMatch(/__pycache__|\.pytest_cache|\.coverage|written\.txt/)
  }, 60_000)

  it("container runner: a write into the repository fails with pytest's read-only error; nothing else reaches the host", async () => {
    await requireDockerEngine()
    const result = await check('container')
    expect(result.exitCode, result.explained).toBe(1)
    expect(result.pytest).toMatchObject({id: 'pytest', status: 'failed', tests: {passed: 3, failed: 1}})
    expect(result.pytest.findings).toEqual([
      expect.objectContaining({message: expect.stringMatching(/^tests\/test_writes\.py::test_writes_into_the_repository: .*Read-only file system/)}),
    ])
    expect(await readdir(home)).toEqual([])
    expect(await readdir(tmp)).toEqual([])
    await expect(readFile(path.join(path.dirname(repo.dir), outside))).rejects.toThrow(/ENOENT/)
    expect(await repo.git('status', '--porcelain', '--ignored')).not.toMatch(/written\.txt/)
  }, 90_000)
})

/**
 * Tests that write somewhere and check where it landed: HOME and the temp directory are directories cicd
 * made inside the caller's TMPDIR, not the caller's own. The repository write passes on the local runner
 * (which cannot stop it; the test removes its file) and fails in the container.
 */
function writingTests(where: {home: string; tmp: string; outside: string}): string {
  return `import os
import pathlib
import tempfile

REAL_HOME = ${JSON.stringify(where.home)}
REAL_TMP = ${JSON.stringify(where.tmp)}


def test_writes_home():
    (pathlib.Path.home() / "x").write_text("home")
    assert str(pathlib.Path.home()).startswith(REAL_TMP + "/cicd-")


def test_writes_a_tempfile():
    with tempfile.NamedTemporaryFile(delete=False) as handle:
        handle.write(b"temp")
    assert os.path.dirname(handle.name) != REAL_TMP
    assert handle.name.startswith(REAL_TMP + "/cicd-")


def test_writes_next_to_the_repository():
    pathlib.Path("..", ${JSON.stringify(where.outside)}).write_text("outside")


def test_writes_into_the_repository():
    written = pathlib.Path("written.txt")
    written.write_text("inside")
    written.unlink()
`
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
