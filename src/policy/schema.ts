// The `policy` key of the configuration: which phases CI runs for a branch, where it deploys, and what the
// pre-push hook checks. A rule written here overrides only the fields it sets, on top of the built-in
// rule of the same pattern (or of the fallback), so `policy.rules.main.refuseDirectPush: true` changes one
// thing. No transform here: the schema also feeds the editor JSON Schema.
import {z} from 'zod'

import {PHASES} from '../checks/types.js'

const deploySchema = z
  .strictObject({
    environment: z.string().min(1).describe('An environment named under `environments`.'),
    automatic: z
      .boolean()
      .default(true)
      .describe('CI deploys as part of the pipeline (after the approval, when one is needed), without an operator starting it.'),
    approval: z.boolean().default(false).describe('CI pauses for a manual approval before this deploy.'),
  })
  .describe('One deploy CI makes for the branch; a list runs in order (staging before production).')

export const ruleSchema = z
  .strictObject({
    phases: z
      .array(z.enum(PHASES))
      .min(1)
      .optional()
      .describe('The phases CI runs for the branch, and the pre-push hook runs on a push to it.'),
    deploy: z.array(deploySchema).optional().describe('Where CI deploys the branch; an empty list means never.'),
    scope: z
      .enum(['changed', 'all'])
      .optional()
      .describe('What the pre-push hook checks on a push to the branch: the Python files the pushed commits change, or the whole tree.'),
    refuseDirectPush: z
      .boolean()
      .optional()
      .describe('The pre-push hook refuses a push to the branch and points to the pull-request flow.'),
  })
  .describe('Fields left out come from the built-in rule of the same pattern, or from the fallback rule.')

export const policySchema = z
  .strictObject({
    rules: z
      .record(z.string().min(1), ruleSchema)
      .default({})
      .describe(
        'Rules by branch glob (`*` stays within one path segment), tried in the order written, before the built-in feature/*, develop, main and hotfix/* rules.',
      ),
    default: ruleSchema.prefault({}).describe('The rule for a branch no pattern matches; built in: like feature/*.'),
    builtInRules: z
      .boolean()
      .default(true)
      .describe('false: only the rules written here and the fallback apply.'),
  })
  .prefault({})
  .describe("The branch policy mirrored from CI: what runs and where it deploys, per branch.")

export type PolicyConfig = z.output<typeof policySchema>
export type PolicyInput = z.input<typeof policySchema>
export type RuleOverride = z.output<typeof ruleSchema>
