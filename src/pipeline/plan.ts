// Which checks run, on which files, with which settings: the plan is decided from configuration and flags
// before any tool starts, so a bad --only or an empty repository fails fast.
import {closest} from 'fastest-levenshtein'

import {UsageError} from '../errors.js'
import type {CheckDefinition, CheckSettings, PhaseId} from '../checks/types.js'
import type {CicdConfig, Gate, ToolCheckConfig} from '../config/types.js'

export interface PlannedCheck {
  definition: CheckDefinition
  settings: CheckSettings
  files: string[]
  gate: Gate
  /** Set when the check is planned but will not run, with the reason. */
  skipReason?: string
}

export interface PlanInput {
  config: CicdConfig
  definitions: readonly CheckDefinition[]
  /** Ids of the other phases' checks, valid in --only and --skip. */
  extraIds?: readonly string[]
  phases: PhaseId[]
  pythonFiles: string[]
  /** Requirement files from configuration that exist in the repository. */
  requirementFiles: string[]
  only: string[]
  /** --only was given (possibly naming only other phases' checks, so no static check runs). */
  onlyGiven?: boolean
  skip: string[]
  /** The repository configures flake8 itself (setup.cfg, tox.ini, .flake8), so cicd adds no line length. */
  repoHasFlake8Config: boolean
  /** True when --max-line-length was set explicitly in cicd's configuration. */
  maxLineLengthExplicit: boolean
  /** The run is limited to some files (the hook's changed files): none left means nothing to lint, not an error. */
  restrictedToFiles?: boolean
}

export function validateCheckIds(ids: string[], known: string[], flag: string): void {
  for (const id of ids) {
    if (known.includes(id)) continue
    const suggestion = closest(id, known)
    throw new UsageError(`${flag} ${id}: there is no check named "${id}".`, [
      `Did you mean "${suggestion}"? Known checks: ${known.join(', ')}`,
    ])
  }
}

export function planChecks(input: PlanInput): PlannedCheck[] {
  const known = [...input.definitions.map((d) => d.id), ...(input.extraIds ?? [])]
  validateCheckIds(input.only, known, '--only')
  validateCheckIds(input.skip, known, '--skip')
  const provider = input.config.dependencies.provider
  const selected = input.definitions.filter((definition) => {
    if (!input.phases.includes(definition.phase)) return false
    if (input.only.length > 0 || input.onlyGiven) return input.only.includes(definition.id)
    if (input.skip.includes(definition.id)) return false
    if ((definition.id === 'safety' || definition.id === 'pip-audit') && definition.id !== provider) return false
    return input.config.checks[definition.id].enabled
  })
  if (selected.some((d) => d.inputs === 'python') && input.pythonFiles.length === 0 && !input.restrictedToFiles) {
    throw new UsageError('No Python files to check: nothing tracked by git matches paths.include.', [
      `paths.include is ${JSON.stringify(input.config.paths.include)} and paths.exclude ${JSON.stringify(input.config.paths.exclude)}`,
      'Run cicd in the repository of your Python project (--cwd DIR), or adjust paths in the configuration (cicd config shows them)',
    ])
  }
  return selected.map((definition) => {
    const checkConfig: ToolCheckConfig = input.config.checks[definition.id]
    const settings: CheckSettings = {args: checkConfig.args}
    if (definition.id === 'flake8' && (input.maxLineLengthExplicit || !input.repoHasFlake8Config)) {
      settings.maxLineLength = input.config.checks.flake8.maxLineLength
    }
    if (definition.inputs === 'requirements') {
      settings.requirements = input.requirementFiles
      const skipReason =
        input.requirementFiles.length === 0
          ? `no requirement file found (dependencies.requirements is ${JSON.stringify(input.config.dependencies.requirements)})`
          : undefined
      return {definition, settings, files: input.requirementFiles, gate: checkConfig.gate, skipReason}
    }
    const skipReason = input.pythonFiles.length === 0 ? 'none of the selected files is a Python file it checks' : undefined
    return {definition, settings, files: input.pythonFiles, gate: checkConfig.gate, skipReason}
  })
}
