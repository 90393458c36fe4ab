// The branch policy, mirrored from CI: for a branch, which phases run, where it deploys and whether that
// needs an approval, and what the pre-push hook checks. The one module `cicd policy`, the pre-push hook
// and `cicd deploy` consult, so a feature branch can never deploy.
import picomatch from 'picomatch'

import type {PhaseId} from '../checks/types.js'
import type {PolicyConfig, RuleOverride} from './schema.js'

export interface DeployStep {
  environment: string
  /** CI deploys within the pipeline (after the approval, when one is needed). */
  automatic: boolean
  approval: boolean
}

export type HookScope = 'changed' | 'all'

export interface BranchPolicy {
  /** The pattern that matched, or `default` for the fallback rule. */
  rule: string
  phases: PhaseId[]
  /** In order; empty means the branch never deploys. */
  deploy: DeployStep[]
  refuseDirectPush?: boolean
  /** What the pre-push hook checks on a push to the branch. */
  scope: HookScope
}

type Rule = Omit<BranchPolicy, 'rule'>

export const FALLBACK_RULE_NAME = 'default'

const FULL_SET: PhaseId[] = ['static', 'test', 'build', 'scan']

/**
 * The design documents' branching strategy. A direct push to main is allowed by default: the documented
 * hotfix flow merges back into main by hand, a client-side hook is bypassed by --no-verify anyway (branch
 * protection on the server is the real guard), and a default that blocks a documented workflow teaches
 * people to skip the hook. `policy.rules.main.refuseDirectPush: true` turns it on.
 */
function builtInRules(): Record<string, Rule> {
  return {
    'feature/*': {phases: ['static', 'test'], deploy: [], scope: 'changed', refuseDirectPush: false},
    develop: {
      phases: [...FULL_SET],
      deploy: [{environment: 'staging', automatic: true, approval: false}],
      scope: 'all',
      refuseDirectPush: false,
    },
    main: {
      phases: [...FULL_SET],
      deploy: [{environment: 'production', automatic: true, approval: true}],
      scope: 'all',
      refuseDirectPush: false,
    },
    'hotfix/*': {
      phases: [...FULL_SET],
      deploy: [
        {environment: 'staging', automatic: true, approval: false},
        {environment: 'production', automatic: true, approval: true},
      ],
      scope: 'all',
      refuseDirectPush: false,
    },
  }
}

function fallbackRule(): Rule {
  return {phases: ['static', 'test'], deploy: [], scope: 'changed', refuseDirectPush: false}
}

function overlay(base: Rule, override: RuleOverride): Rule {
  return {
    phases: [...(override.phases ?? base.phases)],
    deploy: (override.deploy ?? base.deploy).map((step) => ({...step})),
    scope: override.scope ?? base.scope,
    refuseDirectPush: override.refuseDirectPush ?? base.refuseDirectPush,
  }
}

/** `refs/heads/x` and `x` name the same branch. */
export function branchName(ref: string): string {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref
}

/** What policySchema yields for no configuration, without loading zod on the hook's start path. */
function unconfigured(): PolicyConfig {
  return {rules: {}, default: {}, builtInRules: true}
}

/** The rules in the order they are tried: the configuration's, then the built-in ones it did not override. */
export function effectiveRules(policy: PolicyConfig = unconfigured()): {
  rules: {pattern: string; rule: Rule}[]
  fallback: Rule
} {
  const builtIn = policy.builtInRules ? builtInRules() : {}
  const fallback = overlay(fallbackRule(), policy.default)
  const written = Object.entries(policy.rules).map(([pattern, override]) => ({
    pattern,
    rule: overlay(builtIn[pattern] ?? fallback, override),
  }))
  const remaining = Object.entries(builtIn)
    .filter(([pattern]) => !(pattern in policy.rules))
    .map(([pattern, rule]) => ({pattern, rule}))
  return {rules: [...written, ...remaining], fallback}
}

export function resolveBranchPolicy(branch: string, policy?: PolicyConfig): BranchPolicy {
  const name = branchName(branch)
  const {rules, fallback} = effectiveRules(policy)
  const match = rules.find(({pattern}) => picomatch.isMatch(name, pattern, {dot: true}))
  return match ? {rule: match.pattern, ...match.rule} : {rule: FALLBACK_RULE_NAME, ...fallback}
}

/** The rule for a ref that is not a branch (a tag, refs/for/…): the fallback, which never deploys. */
export function fallbackPolicy(policy?: PolicyConfig): BranchPolicy {
  return {rule: FALLBACK_RULE_NAME, ...effectiveRules(policy).fallback}
}
