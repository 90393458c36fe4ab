// The Jenkinsfile generated from the configuration: the same `cicd check` phases a developer runs, in
// parallel where they only read; the branch policy as `when` conditions; images built and scanned by cicd,
// then tagged `{registry}/{name}:{build}-{commit}` and pushed; each deploy of the policy, behind an `input`
// approval where the policy asks for one; post-deploy checks (`cicd verify`) that call `cicd rollback` when
// they fail, and the 30-minute watch after a production release; and
// post actions publishing JUnit, coverage and the HTML report. Pure: the same inputs give the same text.
import type {PhaseId} from '../checks/types.js'
import type {EnvironmentsConfig} from '../config/environments-schema.js'
import {postDeployChecks} from '../verify/select.js'
import {block, quote, render, type GroovyNode} from './groovy.js'
import type {JenkinsConfig} from './schema.js'
import {whenBranches, type PolicyRules} from './when.js'

export interface JenkinsfileInput {
  jenkins: JenkinsConfig
  policy: PolicyRules
  /** The names of the images the build phase builds (tagged NAME:local by cicd). */
  images: string[]
  toolsImage: string
  environments: EnvironmentsConfig
  /** The configuration file, relative to the root, named in the header (undefined: defaults). */
  configFile?: string
}

/** Where each check run writes the files the post actions publish. */
export const PUBLISHED = {
  junit: 'reports/junit-*.xml',
  coverage: '.cicd/reports/*/coverage.xml',
  htmlDir: '.cicd/reports',
  htmlFile: 'latest/index.html',
} as const

const PHASE_STAGES: Record<PhaseId, string> = {static: 'Static analysis', test: 'Unit tests', build: 'Build images', scan: 'Scan images'}

/** Each environment CI deploys to, in the order the policy's rules list them (staging before production). */
function deployTargets(policy: PolicyRules): string[] {
  const seen: string[] = []
  for (const rule of [...policy.rules.map((r) => r.rule), policy.fallback]) {
    for (const step of rule.deploy) if (step.automatic && !seen.includes(step.environment)) seen.push(step.environment)
  }
  return seen
}

function stage(name: string, when: GroovyNode[] | undefined, body: GroovyNode[]): GroovyNode {
  return block(`stage(${quote(name)})`, [...(when ? [block('when', when)] : []), ...body])
}

function sh(command: string): string {
  return `sh ${quote(command)}`
}

function checkStage(input: JenkinsfileInput, phase: PhaseId): GroovyNode | undefined {
  const when = whenBranches(input.policy, (rule) => rule.phases.includes(phase))
  if (when === null) return undefined
  const cicd = input.jenkins.cicd
  // The tools run inside the tools image through cicd's container runner, so CI and a laptop share one image.
  const runner = phase === 'static' || phase === 'test' ? ' --runner container --tools-image "$TOOLS_IMAGE"' : ''
  const reports = phase === 'static' || phase === 'test' ? ` --report junit=reports/junit-${phase}.xml` : ''
  return stage(PHASE_STAGES[phase], when, [block('steps', [sh(`${cicd} check --ci --phase ${phase}${runner}${reports}`)])])
}

function pushStage(input: JenkinsfileInput): GroovyNode | undefined {
  const when = whenBranches(input.policy, (rule) => rule.phases.includes('build'))
  if (when === null || input.images.length === 0) return undefined
  const login = sh('echo "$REGISTRY_PASSWORD" | docker login "$REGISTRY" --username "$REGISTRY_USER" --password-stdin')
  const pushes = input.images.map((name) =>
    sh(
      `docker tag ${name}:local "$REGISTRY/${name}:$IMAGE_TAG" && docker tag ${name}:local "$REGISTRY/${name}:latest" && docker push "$REGISTRY/${name}:$IMAGE_TAG" && docker push "$REGISTRY/${name}:latest"`,
    ),
  )
  const credentials = `withCredentials([usernamePassword(credentialsId: ${quote(input.jenkins.registryCredentialsId)}, usernameVariable: 'REGISTRY_USER', passwordVariable: 'REGISTRY_PASSWORD')])`
  return stage('Push images', when, [block('steps', [block(credentials, [login, ...pushes])])])
}

function deployStages(input: JenkinsfileInput, environment: string): GroovyNode[] {
  const {cicd} = input.jenkins
  const deploys = (rule: PolicyRules['fallback']) => rule.deploy.some((step) => step.automatic && step.environment === environment)
  const approves = (rule: PolicyRules['fallback']) => rule.deploy.some((step) => step.automatic && step.environment === environment && step.approval)
  const whenDeploy = whenBranches(input.policy, deploys)
  if (whenDeploy === null) return []
  const configured = input.environments[environment]
  const stages: GroovyNode[] = []
  const whenApproval = whenBranches(input.policy, approves)
  if (whenApproval !== null) {
    const minutes = configured?.approval.timeoutMinutes ?? 30
    const approvers = configured?.approval.approvers ?? []
    const input_ = `input message: ${quote(`Deploy to ${environment}?`)}, ok: ${quote(`Deploy to ${environment}`)}${approvers.length > 0 ? `, submitter: ${quote(approvers.join(','))}` : ''}`
    stages.push(stage(`Approve ${environment}`, whenApproval, [block('steps', [block(`timeout(time: ${minutes}, unit: 'MINUTES')`, [input_])])]))
  }
  // The pipeline's approval (or the policy's lack of one) is what `--approve` records; cicd still refuses a
  // production deploy without it.
  const approveFlag = configured?.approval.required || whenApproval !== null ? ' --approve' : ''
  stages.push(stage(`Deploy to ${environment}`, whenDeploy, [block('steps', [sh(`${cicd} deploy --env ${environment} --version "$IMAGE_TAG" --yes${approveFlag} --reason "Jenkins build $BUILD_NUMBER"`)])]))
  // The environment's own checks (phase 4, and phase 5 where e2e runs) run again as the build's record of them:
  // the deploy already ran them and rolled back on a failure, so a failure here is a regression since.
  const afterDeploy = configured ? postDeployChecks(configured) : []
  const verify = afterDeploy.length > 0 ? [`${cicd} verify --env ${environment} --suite ${afterDeploy.some((check) => check.suite === 'e2e') ? 'all' : 'integration'}`] : []
  const checks = [`${cicd} status --env ${environment}`, ...verify, ...input.jenkins.postDeploy.map((command) => command.replaceAll('{env}', environment))]
  stages.push(
    stage(`Post-deploy checks: ${environment}`, whenDeploy, [
      block('steps', checks.map(sh)),
      block('post', [block('failure', [sh(`${cicd} rollback --env ${environment} --yes${approveFlag} --reason "post-deploy checks failed in Jenkins build $BUILD_NUMBER"`)])]),
    ]),
  )
  // The design's monitoring window after a production release: alerts go out as it runs; problems mark the
  // build unstable rather than failed, since the release is live and verified by then.
  if (configured?.approval.required && configured.checks.some((check) => check.suite === 'integration')) {
    stages.push(
      stage(`Monitor ${environment}`, whenDeploy, [
        block('steps', [block(`catchError(buildResult: 'UNSTABLE', stageResult: 'UNSTABLE')`, [sh(`${cicd} verify --env ${environment} --watch 30m`)])]),
      ]),
    )
  }
  return stages
}

export function generateJenkinsfile(input: JenkinsfileInput): string {
  const {jenkins} = input
  const checks = (['static', 'test'] as const).map((phase) => checkStage(input, phase)).filter((s): s is GroovyNode => s !== undefined)
  const stages: GroovyNode[] = [
    stage('Prepare', undefined, [
      block('steps', [sh(jenkins.install), sh('rm -rf reports .cicd/reports && mkdir -p reports'), sh(`${jenkins.cicd} ci jenkinsfile --check`)]),
    ]),
    ...(checks.length > 0 ? [block(`stage('Checks')`, [block('parallel', checks)])] : []),
    ...(['build', 'scan'] as const).map((phase) => checkStage(input, phase)).filter((s): s is GroovyNode => s !== undefined),
    ...[pushStage(input)].filter((s): s is GroovyNode => s !== undefined),
    ...deployTargets(input.policy).flatMap((environment) => deployStages(input, environment)),
  ]
  const registry = jenkins.registry === undefined ? 'REGISTRY = "${env.DOCKER_REGISTRY}"' : `REGISTRY = ${quote(jenkins.registry)}`
  const pipeline = block('pipeline', [
    jenkins.agentLabel ? block('agent', [`label ${quote(jenkins.agentLabel)}`]) : 'agent any',
    block('options', ['disableConcurrentBuilds()', `buildDiscarder(logRotator(numToKeepStr: ${quote(String(jenkins.buildsToKeep))}))`]),
    block('environment', [
      "CI = 'true'",
      registry,
      `TOOLS_IMAGE = ${quote(input.toolsImage)}`,
      `IMAGE_TAG = "\${env.BUILD_NUMBER}-\${sh(script: 'git rev-parse --short=7 HEAD', returnStdout: true).trim()}"`,
    ]),
    block('stages', stages),
    block('post', [
      block('always', [
        `junit testResults: ${quote(PUBLISHED.junit)}, allowEmptyResults: true`,
        `recordCoverage tools: [[parser: 'COBERTURA', pattern: ${quote(PUBLISHED.coverage)}]], sourceCodeRetention: 'NEVER'`,
        `publishHTML target: [reportDir: ${quote(PUBLISHED.htmlDir)}, reportFiles: ${quote(PUBLISHED.htmlFile)}, reportName: 'cicd report', keepAll: true, alwaysLinkToLastBuild: true, allowMissing: true]`,
      ]),
    ]),
  ])
  const header = [
    `// Generated by \`cicd ci jenkinsfile\` from ${input.configFile ?? "cicd's default configuration"}. Do not edit by hand:`,
    '// change the configuration and run `cicd ci jenkinsfile` again. The Prepare stage runs',
    '// `cicd ci jenkinsfile --check`, which fails the build when this file and the configuration disagree.',
  ]
  return [...header, ...render([pipeline]), ''].join('\n')
}
