// Every check cicd knows, in the order results are shown. Adding a tool is adding its definition file and
// one entry here.
import type {CheckDefinition} from './types.js'
import {bandit} from './bandit.js'
import {black} from './black.js'
import {flake8} from './flake8.js'
import {isort} from './isort.js'
import {pipAudit} from './pip-audit.js'
import {pylint} from './pylint.js'
import {safety} from './safety.js'

export const STATIC_CHECKS: CheckDefinition[] = [flake8, pylint, black, isort, bandit, safety, pipAudit]

/** The definition for a check id, or undefined when cicd has no such check. */
export function getCheck(id: string): CheckDefinition | undefined {
  return STATIC_CHECKS.find((check) => check.id === id)
}
