import {describe, expect, it} from 'vitest'

import {environmentsSchema} from '../../../src/config/environments-schema.js'
import {generateJenkinsfile, type JenkinsfileInput} from '../../../src/jenkins/generate.js'
import {jenkinsSchema} from '../../../src/jenkins/schema.js'
import {effectiveRules} from '../../../src/policy/branch-policy.js'
import {policySchema, type PolicyInput} from '../../../src/policy/schema.js'
import {child, parseJenkinsfile, stages, whenExpression} from './jenkinsfile-tree.js'

function input(overrides: {policy?: PolicyInput; jenkins?: unknown; environments?: unknown; images?: string[]} = {}): JenkinsfileInput {
  return {
    jenkins: jenkinsSchema.parse(overrides.jenkins),
    policy: effectiveRules(policySchema.parse(overrides.policy)),
    images: overrides.images ?? ['airflow', 'spark'],
    toolsImage: 'registry.local/cicd-tools:1',
    environments: environmentsSchema.parse(overrides.environments ?? {}),
    configFile: 'pyproject.toml',
  }
}

const stepsOf = (stage: ReturnType<typeof child>) => child(stage, 'steps')

describe('generateJenkinsfile with the built-in branch policy', () => {
  const text = generateJenkinsfile(input())
  const tree = parseJenkinsfile(text)
  const pipeline = child(tree, 'pipeline')
  const all = stages(pipeline)

  it('runs the static and test phases in parallel on every branch, with the tools image', () => {
    const parallel = child(child(child(pipeline, 'stages'), "stage('Checks')"), 'parallel')
    expect(parallel.blocks.map((b) => b.head)).toEqual(["stage('Static analysis')", "stage('Unit tests')"])
    for (const [name, phase] of [['Static analysis', 'static'], ['Unit tests', 'test']]) {
      const stage = all.get(name)!
      expect(whenExpression(stage)).toBeUndefined()
      expect(stepsOf(stage).statements[0]).toContain(`cicd check --ci --phase ${phase} --runner container --tools-image "$TOOLS_IMAGE"`)
    }
    expect(child(pipeline, 'environment').statements).toContain("TOOLS_IMAGE = 'registry.local/cicd-tools:1'")
  })

  it('builds, scans and pushes only on the branches whose rule runs the build phase', () => {
    for (const name of ['Build images', 'Scan images', 'Push images']) expect(whenExpression(all.get(name)!)).toBe('develop | main | hotfix/*')
    expect(stepsOf(all.get('Build images')!).statements).toEqual(["sh 'npx --no-install cicd check --ci --phase build'"])
    expect(stepsOf(all.get('Scan images')!).statements).toEqual(["sh 'npx --no-install cicd check --ci --phase scan'"])
  })

  it('tags and pushes every image as {registry}/{name}:{build}-{commit}', () => {
    expect(child(pipeline, 'environment').statements).toContain(
      `IMAGE_TAG = "\${env.BUILD_NUMBER}-\${sh(script: 'git rev-parse --short=7 HEAD', returnStdout: true).trim()}"`,
    )
    const push = stepsOf(all.get('Push images')!).blocks[0]
    expect(push.head).toContain("credentialsId: 'docker-credentials-id'")
    for (const image of ['airflow', 'spark']) {
      expect(push.statements.join('\n')).toContain(`docker tag ${image}:local "$REGISTRY/${image}:$IMAGE_TAG" && docker tag ${image}:local "$REGISTRY/${image}:latest" && docker push "$REGISTRY/${image}:$IMAGE_TAG"`)
    }
  })

  it('deploys develop to staging automatically, and main to production after an input approval with a 30-minute timeout', () => {
    const names = [...all.keys()]
    expect(names.indexOf('Deploy to staging')).toBeLessThan(names.indexOf('Approve production'))
    expect(names.indexOf('Approve production')).toBeLessThan(names.indexOf('Deploy to production'))
    expect(whenExpression(all.get('Deploy to staging')!)).toBe('develop | hotfix/*')
    expect(all.has('Approve staging')).toBe(false)
    expect(whenExpression(all.get('Approve production')!)).toBe('main | hotfix/*')
    const timeout = stepsOf(all.get('Approve production')!).blocks[0]
    expect(timeout.head).toBe("timeout(time: 30, unit: 'MINUTES')")
    expect(timeout.statements[0]).toMatch(/^input message: 'Deploy to production\?'/)
    expect(stepsOf(all.get('Deploy to staging')!).statements[0]).toContain('cicd deploy --env staging --version "$IMAGE_TAG" --yes --reason')
    expect(stepsOf(all.get('Deploy to production')!).statements[0]).toContain('cicd deploy --env production --version "$IMAGE_TAG" --yes --approve')
  })

  it('runs post-deploy checks after each deploy and rolls back when they fail', () => {
    for (const env of ['staging', 'production']) {
      const stage = all.get(`Post-deploy checks: ${env}`)!
      expect(stepsOf(stage).statements).toEqual([`sh 'npx --no-install cicd status --env ${env}'`])
      const failure = child(child(stage, 'post'), 'failure')
      expect(failure.statements[0]).toContain(`cicd rollback --env ${env} --yes`)
    }
  })

  it('publishes JUnit, coverage and the HTML report whatever happened', () => {
    const always = child(child(pipeline, 'post'), 'always').statements
    expect(always.some((s) => s.startsWith("junit testResults: 'reports/junit-*.xml'"))).toBe(true)
    expect(always.some((s) => s.startsWith('recordCoverage') && s.includes("parser: 'COBERTURA'"))).toBe(true)
    expect(always.some((s) => s.startsWith('publishHTML') && s.includes("reportFiles: 'latest/index.html'"))).toBe(true)
  })

  it('checks itself against the configuration before anything else', () => {
    expect(stepsOf(all.get('Prepare')!).statements).toContain("sh 'npx --no-install cicd ci jenkinsfile --check'")
    expect([...all.keys()][0]).toBe('Prepare')
  })
})

describe('generateJenkinsfile from a configured policy and environments', () => {
  it('uses the environment approvers and timeout', () => {
    const text = generateJenkinsfile(input({environments: {production: {approval: {approvers: ['alice', 'bob'], timeoutMinutes: 15}}}}))
    const approve = stages(parseJenkinsfile(text)).get('Approve production')!
    const timeout = child(approve, 'steps').blocks[0]
    expect(timeout.head).toBe("timeout(time: 15, unit: 'MINUTES')")
    expect(timeout.statements[0]).toContain("submitter: 'alice,bob'")
  })

  it("runs the environment's checks after each deploy (e2e only where it runs) and watches production for 30 minutes", () => {
    const checks = [{name: 'api', kind: 'http', url: 'http://api/health'}, {name: 'flow', kind: 'pytest', suite: 'e2e'}]
    const all = stages(parseJenkinsfile(generateJenkinsfile(input({environments: {staging: {checks}, production: {checks}}}))))
    expect(stepsOf(all.get('Post-deploy checks: staging')!).statements).toContain("sh 'npx --no-install cicd verify --env staging --suite all'")
    expect(stepsOf(all.get('Post-deploy checks: production')!).statements).toContain("sh 'npx --no-install cicd verify --env production --suite integration'")
    const names = [...all.keys()]
    expect(names.indexOf('Monitor production')).toBe(names.indexOf('Post-deploy checks: production') + 1)
    const monitor = stepsOf(all.get('Monitor production')!).blocks[0]
    expect(monitor.head).toBe("catchError(buildResult: 'UNSTABLE', stageResult: 'UNSTABLE')")
    expect(monitor.statements).toEqual(["sh 'npx --no-install cicd verify --env production --watch 30m'"])
    expect(all.has('Monitor staging')).toBe(false)
  })

  it('excludes an earlier rule that shadows a later one, and a fallback that builds', () => {
    const text = generateJenkinsfile(
      input({
        policy: {
          builtInRules: false,
          rules: {'release/legacy': {phases: ['static']}, 'release/*': {phases: ['static', 'test', 'build']}},
          default: {phases: ['static', 'test', 'build']},
        },
      }),
    )
    const build = stages(parseJenkinsfile(text)).get('Build images')!
    // release/legacy matches release/* too but its own rule (first) does not build; any other branch builds.
    expect(whenExpression(build)).toBe('(release/* & !(release/legacy)) | !(release/legacy)')
  })

  it('leaves out stages no branch runs, and the when block where every branch runs them', () => {
    const text = generateJenkinsfile(input({policy: {builtInRules: false, default: {phases: ['static', 'build']}}}))
    const all = stages(parseJenkinsfile(text))
    expect(all.has('Unit tests')).toBe(false)
    expect(all.has('Scan images')).toBe(false)
    expect(whenExpression(all.get('Build images')!)).toBeUndefined()
    expect([...all.keys()].some((name) => name.startsWith('Deploy'))).toBe(false)
  })

  it('quotes configured values so they cannot break the Groovy', () => {
    const text = generateJenkinsfile(input({jenkins: {registry: "reg.example/it's", postDeploy: ['curl -f http://{env}.example/health']}}))
    const tree = parseJenkinsfile(text)
    expect(child(child(tree, 'pipeline'), 'environment').statements).toContain("REGISTRY = 'reg.example/it\\'s'")
    expect(stepsOf(stages(tree).get('Post-deploy checks: staging')!).statements).toContain("sh 'curl -f http://staging.example/health'")
  })

  it('is deterministic', () => {
    expect(generateJenkinsfile(input())).toBe(generateJenkinsfile(input()))
  })
})
