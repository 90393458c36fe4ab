import {describe, expect, it} from 'vitest'

import {resolveBranchPolicy} from '../../../src/policy/branch-policy.js'
import {policySchema} from '../../../src/policy/schema.js'

describe('resolveBranchPolicy with the built-in rules', () => {
  it('runs static and test on what changed for feature branches, and never deploys', () => {
    const policy = resolveBranchPolicy('feature/add-binance-futures')
    expect(policy).toMatchObject({rule: 'feature/*', phases: ['static', 'test'], deploy: [], scope: 'changed'})
  })

  it('runs the full set on develop and deploys to staging automatically', () => {
    expect(resolveBranchPolicy('refs/heads/develop')).toMatchObject({
      rule: 'develop',
      phases: ['static', 'test', 'build', 'scan'],
      deploy: [{environment: 'staging', automatic: true, approval: false}],
      scope: 'all',
    })
  })

  it('deploys main to production only after an approval, and allows direct pushes by default', () => {
    const policy = resolveBranchPolicy('main')
    expect(policy.deploy).toEqual([{environment: 'production', automatic: true, approval: true}])
    expect(policy.refuseDirectPush).toBe(false)
  })

  it('deploys hotfix branches to staging, then to production with an approval', () => {
    expect(resolveBranchPolicy('hotfix/fix-data-loss').deploy).toEqual([
      {environment: 'staging', automatic: true, approval: false},
      {environment: 'production', automatic: true, approval: true},
    ])
  })

  it('treats any other branch like a feature branch', () => {
    for (const branch of ['experiment', 'feature/team/nested', 'mainline', 'release/1.0']) {
      expect(resolveBranchPolicy(branch)).toMatchObject({rule: 'default', phases: ['static', 'test'], deploy: []})
    }
  })
})

describe('resolveBranchPolicy with configuration', () => {
  it('overrides only the fields a rule sets, on top of the built-in rule', () => {
    const config = policySchema.parse({rules: {main: {refuseDirectPush: true}}})
    const policy = resolveBranchPolicy('main', config)
    expect(policy.refuseDirectPush).toBe(true)
    expect(policy.deploy).toEqual([{environment: 'production', automatic: true, approval: true}])
    expect(policy.phases).toEqual(['static', 'test', 'build', 'scan'])
  })

  it('tries written rules before the built-in ones, so a narrower pattern can win', () => {
    const config = policySchema.parse({
      rules: {'feature/infra-*': {phases: ['static', 'build'], deploy: [{environment: 'sandbox'}]}},
    })
    expect(resolveBranchPolicy('feature/infra-terraform', config)).toMatchObject({
      rule: 'feature/infra-*',
      phases: ['static', 'build'],
      deploy: [{environment: 'sandbox', automatic: true, approval: false}],
      scope: 'changed',
    })
    expect(resolveBranchPolicy('feature/other', config).rule).toBe('feature/*')
  })

  it('changes the fallback and can drop the built-in rules', () => {
    const config = policySchema.parse({builtInRules: false, default: {phases: ['static']}})
    expect(resolveBranchPolicy('develop', config)).toMatchObject({rule: 'default', phases: ['static'], deploy: []})
  })

  it('does not let one resolution leak into the next', () => {
    const first = resolveBranchPolicy('hotfix/a')
    first.deploy.pop()
    first.phases.pop()
    expect(resolveBranchPolicy('hotfix/b').deploy).toHaveLength(2)
    expect(resolveBranchPolicy('hotfix/b').phases).toHaveLength(4)
  })
})

describe('policySchema', () => {
  it('rejects an unknown phase and an unknown key, naming the path', () => {
    const result = policySchema.safeParse({rules: {develop: {phases: ['lint']}}, rule: {}})
    expect(result.success).toBe(false)
    const paths = result.error!.issues.map((issue) => issue.path.join('.'))
    expect(paths).toContain('rules.develop.phases.0')
    expect(result.error!.issues.some((issue) => issue.code === 'unrecognized_keys')).toBe(true)
  })

  it('rejects a deploy step without an environment', () => {
    expect(policySchema.safeParse({rules: {main: {deploy: [{approval: true}]}}}).success).toBe(false)
  })
})

describe('the unconfigured policy', () => {
  it('is what the schema yields for no configuration', () => {
    for (const branch of ['feature/x', 'develop', 'main', 'hotfix/y', 'other']) {
      expect(resolveBranchPolicy(branch)).toEqual(resolveBranchPolicy(branch, policySchema.parse(undefined)))
    }
  })
})
