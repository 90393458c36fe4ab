// `cicd ci jenkinsfile` on the example platform through the CLI: the file it writes has the pipeline's
// stages, when conditions, approval and post actions, and `--check` catches a hand edit with a diff.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createTempRepo, EXAMPLE_PLATFORM, type TempRepo} from '../../helpers/repo.js'
import {child, parseJenkinsfile, stages, whenExpression} from '../../unit/jenkins/jenkinsfile-tree.js'
import {operatorCli} from '../operator/harness.js'

let repo: TempRepo

beforeAll(async () => {
  repo = await createTempRepo({from: EXAMPLE_PLATFORM, prefix: 'cicd-jenkins-'})
})

afterAll(async () => {
  await repo?.remove()
})

describe('cicd ci jenkinsfile on the example platform', () => {
  it('writes a declarative pipeline with the stages, conditions, approval and post actions', async () => {
    const result = await operatorCli(['ci', 'jenkinsfile'], {cwd: repo.dir})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('Wrote')
    const tree = parseJenkinsfile(await repo.read('Jenkinsfile'))
    const pipeline = child(tree, 'pipeline')
    const all = stages(pipeline)
    expect([...all.keys()]).toEqual([
      'Prepare',
      'Checks',
      'Static analysis',
      'Unit tests',
      'Build images',
      'Scan images',
      'Push images',
      'Deploy to staging',
      'Post-deploy checks: staging',
      'Approve production',
      'Deploy to production',
      'Post-deploy checks: production',
    ])
    expect(child(all.get('Checks')!, 'parallel').blocks).toHaveLength(2)
    expect(whenExpression(all.get('Deploy to staging')!)).toBe('develop | hotfix/*')
    expect(whenExpression(all.get('Approve production')!)).toBe('main | hotfix/*')
    expect(child(all.get('Approve production')!, 'steps').blocks[0].head).toBe("timeout(time: 30, unit: 'MINUTES')")
    // The example platform's three Dockerfiles (docker/airflow, docker/flink, docker/spark) are pushed.
    const pushes = child(all.get('Push images')!, 'steps').blocks[0].statements.filter((s) => s.includes('docker push'))
    expect(pushes.map((s) => /docker tag (\w+):local/.exec(s)?.[1])).toEqual(['airflow', 'flink', 'spark'])
    expect(child(child(pipeline, 'post'), 'always').statements.map((s) => s.split(' ')[0])).toEqual(['junit', 'recordCoverage', 'publishHTML'])
  })

  it('--check passes on the generated file and exits 1 with a diff after a hand edit', async () => {
    const clean = await operatorCli(['ci', 'jenkinsfile', '--check'], {cwd: repo.dir})
    expect(clean.exitCode, clean.stderr).toBe(0)
    expect(clean.stdout).toContain('is up to date with the configuration')

    const text = await repo.read('Jenkinsfile')
    await repo.write('Jenkinsfile', text.replace("timeout(time: 30, unit: 'MINUTES')", "timeout(time: 300, unit: 'MINUTES')"))
    const drift = await operatorCli(['ci', 'jenkinsfile', '--check'], {cwd: repo.dir})
    expect(drift.exitCode).toBe(1)
    expect(drift.stdout).toContain("-        timeout(time: 300, unit: 'MINUTES') {")
    expect(drift.stdout).toContain("+        timeout(time: 30, unit: 'MINUTES') {")
    expect(drift.stderr).toContain('differs from what the configuration generates')
    expect(drift.stderr).toContain('Run `cicd ci jenkinsfile` and commit the result')
  })

  it('--check without a Jenkinsfile says so', async () => {
    const empty = await createTempRepo({prefix: 'cicd-jenkins-none-'})
    try {
      const result = await operatorCli(['ci', 'jenkinsfile', '--check'], {cwd: empty.dir})
      expect(result.exitCode).toBe(1)
      expect(result.stderr).toMatch(/There is no .*Jenkinsfile/)
    } finally {
      await empty.remove()
    }
  })
})
