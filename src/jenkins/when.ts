// The branch policy as declarative `when` conditions. The policy picks the first rule whose pattern matches
// a branch, so a stage runs on a branch when the first matching rule (or the fallback, for a branch no
// pattern matches) wants it. Each rule that wants it becomes `branch 'pattern'`, minus the earlier patterns
// that could shadow it and do not want it. Jenkins' `branch` condition takes Ant-style globs, whose `*`
// stays within a path segment like picomatch's, so `feature/*` means the same on both sides.
import picomatch from 'picomatch'

import type {BranchPolicy} from '../policy/branch-policy.js'
import {block, quote, type GroovyNode} from './groovy.js'

type Rule = Omit<BranchPolicy, 'rule'>

export interface PolicyRules {
  rules: {pattern: string; rule: Rule}[]
  fallback: Rule
}

/**
 * Could one branch name match both patterns? Exact when one is a literal name; for two globs, only their
 * literal leading directories tell them apart (`feature/*` and `hotfix/*` never meet), else assume they may.
 */
function mayOverlap(a: string, b: string): boolean {
  if (a === b) return true
  const aScan = picomatch.scan(a)
  const bScan = picomatch.scan(b)
  if (!aScan.isGlob && !bScan.isGlob) return false
  if (!aScan.isGlob) return picomatch.isMatch(a, b, {dot: true})
  if (!bScan.isGlob) return picomatch.isMatch(b, a, {dot: true})
  const [aBase, bBase] = [`${aScan.base}/`, `${bScan.base}/`]
  if (aScan.base && bScan.base && !aBase.startsWith(bBase) && !bBase.startsWith(aBase)) return false
  return true
}

const branch = (pattern: string) => `branch ${quote(pattern)}`

function anyOf(conditions: GroovyNode[]): GroovyNode {
  return conditions.length === 1 ? conditions[0] : block('anyOf', conditions)
}

/**
 * The body of a `when` block for the branches whose rule satisfies `wants`: undefined when every branch
 * does (no `when` needed), null when none does (leave the stage out).
 */
export function whenBranches(policy: PolicyRules, wants: (rule: Rule) => boolean): GroovyNode[] | undefined | null {
  const clauses: GroovyNode[] = []
  policy.rules.forEach(({pattern, rule}, index) => {
    if (!wants(rule)) return
    const shadows = policy.rules.slice(0, index).filter((earlier) => !wants(earlier.rule) && mayOverlap(earlier.pattern, pattern))
    clauses.push(shadows.length === 0 ? branch(pattern) : block('allOf', [branch(pattern), block('not', [anyOf(shadows.map((s) => branch(s.pattern)))])]))
  })
  if (wants(policy.fallback)) {
    const refusing = policy.rules.filter(({rule}) => !wants(rule))
    if (refusing.length === 0) return undefined
    clauses.push(block('not', [anyOf(refusing.map(({pattern}) => branch(pattern)))]))
  }
  if (clauses.length === 0) return null
  return [anyOf(clauses)]
}
