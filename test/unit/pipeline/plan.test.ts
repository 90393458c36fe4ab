import {describe, expect, it} from 'vitest'

import {STATIC_CHECKS} from '../../../src/checks/registry.js'
import {configSchema} from '../../../src/config/schema.js'
import type {CicdConfig} from '../../../src/config/types.js'
import {UsageError} from '../../../src/errors.js'
import {planChecks, type PlanInput} from '../../../src/pipeline/plan.js'

const config = (): CicdConfig => configSchema.parse({})

const input = (overrides: Partial<PlanInput> = {}): PlanInput => ({
  config: config(),
  definitions: STATIC_CHECKS,
  phases: ['static'],
  pythonFiles: ['src/a.py', 'src/b.py'],
  requirementFiles: ['requirements.txt'],
  only: [],
  skip: [],
  repoHasFlake8Config: false,
  maxLineLengthExplicit: false,
  ...overrides,
})

const ids = (plan: ReturnType<typeof planChecks>) => plan.map((p) => p.definition.id)

describe('planChecks', () => {
  it('plans every static check of the chosen dependency provider', () => {
    expect(ids(planChecks(input()))).toEqual(['flake8', 'pylint', 'black', 'isort', 'bandit', 'safety'])
    const pipAudit = config()
    pipAudit.dependencies.provider = 'pip-audit'
    pipAudit.checks['pip-audit'].enabled = true
    pipAudit.checks.safety.enabled = false
    expect(ids(planChecks(input({config: pipAudit})))).toContain('pip-audit')
  })

  it('honours --only and --skip', () => {
    expect(ids(planChecks(input({only: ['pylint', 'black']})))).toEqual(['pylint', 'black'])
    expect(ids(planChecks(input({skip: ['pylint', 'safety']})))).toEqual(['flake8', 'black', 'isort', 'bandit'])
  })

  it('gives flake8 the default line length only when the repository does not configure flake8', () => {
    expect(planChecks(input()).find((p) => p.definition.id === 'flake8')!.settings.maxLineLength).toBe(120)
    expect(planChecks(input({repoHasFlake8Config: true})).find((p) => p.definition.id === 'flake8')!.settings.maxLineLength).toBeUndefined()
    expect(
      planChecks(input({repoHasFlake8Config: true, maxLineLengthExplicit: true})).find((p) => p.definition.id === 'flake8')!.settings.maxLineLength,
    ).toBe(120)
  })

  it('skips the dependency audit with the reason when no requirement file exists', () => {
    const safety = planChecks(input({requirementFiles: []})).find((p) => p.definition.id === 'safety')!
    expect(safety.skipReason).toMatch(/no requirement file/)
  })

  it('refuses a repository without Python files, but not a run limited to changed files', () => {
    expect(() => planChecks(input({pythonFiles: []}))).toThrow(UsageError)
    const limited = planChecks(input({pythonFiles: [], restrictedToFiles: true}))
    expect(limited.find((p) => p.definition.id === 'flake8')!.skipReason).toMatch(/none of the selected files/)
  })

  it('names the nearest check for a misspelt id', () => {
    const error = (() => {
      try {
        planChecks(input({skip: ['pylnt']}))
      } catch (caught) {
        return caught as UsageError
      }
    })()
    expect(error?.message).toContain('"pylnt"')
    expect(error?.nextSteps.join(' ')).toContain('Did you mean "pylint"')
  })
})
