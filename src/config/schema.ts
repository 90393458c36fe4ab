// The one schema of cicd's configuration file: every key optional, unknown keys rejected, defaults from
// defaults.ts filled in, so parsing a user's file yields the resolved CicdConfig. Its descriptions feed the
// editor JSON Schema (docs/config.schema.json) and the comments of `cicd init`'s starter file.
import {z} from 'zod'

import {defaultConfig, PINNED_TOOL_VERSIONS} from './defaults.js'
import {alertsSchema} from '../alerts/schema.js'
import {cacheSchema} from '../cache/schema.js'
import {jenkinsSchema} from '../jenkins/schema.js'
import {metricsSchema} from '../metrics/schema.js'
import {policySchema} from '../policy/schema.js'
import {environmentsSchema} from './environments-schema.js'
import {buildSchema} from './sections/build.js'
import {gatesSchema} from './sections/gates.js'
import {reportsSchema} from './sections/reports.js'
import {scanSchema} from './sections/scan.js'
import {testSchema} from './sections/test.js'
import type {CicdConfig, ToolCheckConfig} from './types.js'

const defaults = defaultConfig()

const gate = z.enum(['block', 'warn'])

const stringList = (description: string, fallback: () => string[]) =>
  z.array(z.string().min(1)).default(fallback).describe(description)

function toolCheckShape(tool: string, fallback: ToolCheckConfig) {
  return {
    enabled: z.boolean().default(fallback.enabled).describe(`Run ${tool}.`),
    gate: gate
      .default(fallback.gate)
      .describe(`What ${tool} findings do to the verdict: "block" fails the run (exit 1), "warn" reports them only.`),
    args: stringList(
      `Extra arguments for ${tool}, placed before the file list. They are the repository's choice, so CI should pass them too.`,
      () => [...fallback.args],
    ),
    path: z.string().min(1).optional().describe(`The ${tool} executable for the local runner; PATH decides when unset.`),
  }
}

const toolCheck = (tool: string, fallback: ToolCheckConfig) =>
  z.strictObject(toolCheckShape(tool, fallback)).prefault({}).describe(`The ${tool} check.`)

/** Safety and pip-audit: `enabled` stays unset here so the root can derive it from `dependencies.provider`. */
const auditCheck = (tool: 'safety' | 'pip-audit', fallback: ToolCheckConfig) =>
  z
    .strictObject({
      ...toolCheckShape(tool, fallback),
      enabled: z
        .boolean()
        .optional()
        .describe(`Run ${tool}. Defaults to true when dependencies.provider is "${tool}", false otherwise.`),
    })
    .prefault({})
    .describe(`The ${tool} dependency audit.`)

const versions = z
  .strictObject(
    Object.fromEntries(
      Object.entries(PINNED_TOOL_VERSIONS).map(([tool, version]) => [
        tool,
        z.string().min(1).default(version).describe(`The ${tool} version.`),
      ]),
    ),
  )
  .prefault({})
  .describe('Pinned tool versions: `cicd tools build` installs them and `cicd doctor` compares local tools to them.')

/**
 * The top-level sections. A later section (test, build, scan, cache) is one more entry here, plus its
 * field in types.ts; a section owned elsewhere keeps its schema beside its code, like policy's.
 */
const sections = {
  $schema: z.string().optional().describe('The JSON Schema this file follows (for editors); cicd ignores it.'),
  runner: z
    .enum(['auto', 'local', 'container'])
    .default(defaults.runner)
    .describe('Where tools run: "local" (tools on this machine), "container" (the tools image), or "auto" (the container when the Docker engine is reachable and the image exists, else local).'),
  paths: z
    .strictObject({
      include: z
        .array(z.string().min(1))
        .min(1)
        .default(() => [...defaults.paths.include])
        .describe('Globs (relative to the repository root) of the Python files the checks read.'),
      exclude: stringList(
        'Globs to leave out, on top of the directories cicd never reads (.git, .venv, venv, node_modules, build, dist, __pycache__ and other caches).',
        () => [...defaults.paths.exclude],
      ),
    })
    .prefault({})
    .describe('Which files the static checks read.'),
  tools: z
    .strictObject({
      image: z
        .string()
        .min(1)
        .default(defaults.tools.image)
        .describe('The tools image the container runner uses (`--tools-image` overrides it).'),
      versions,
    })
    .prefault({})
    .describe('The tools and their versions.'),
  checks: z
    .strictObject({
      flake8: z
        .strictObject({
          ...toolCheckShape('flake8', defaults.checks.flake8),
          maxLineLength: z
            .number()
            .int()
            .min(1)
            .default(defaults.checks.flake8.maxLineLength)
            .describe('The maximum line length cicd passes to flake8 when the repository has no flake8 configuration of its own (setup.cfg, tox.ini or .flake8). Set here, it is passed always.'),
        })
        .prefault({})
        .describe('The flake8 check.'),
      pylint: z
        .strictObject({
          ...toolCheckShape('pylint', defaults.checks.pylint),
          failUnder: z
            .number()
            .min(0)
            .max(10)
            .default(defaults.checks.pylint.failUnder)
            .describe('The lowest acceptable pylint score (0 to 10).'),
          scoreGate: gate
            .default(defaults.checks.pylint.scoreGate)
            .describe('What a score under failUnder does: "block" fails the run, "warn" reports it only.'),
        })
        .prefault({})
        .describe('The pylint check.'),
      black: toolCheck('black', defaults.checks.black),
      isort: toolCheck('isort', defaults.checks.isort),
      bandit: toolCheck('bandit', defaults.checks.bandit),
      safety: auditCheck('safety', defaults.checks.safety),
      'pip-audit': auditCheck('pip-audit', defaults.checks['pip-audit']),
    })
    .prefault({})
    .describe('The checks and how each gates the verdict.'),
  dependencies: z
    .strictObject({
      provider: z
        .enum(['safety', 'pip-audit'])
        .default(defaults.dependencies.provider)
        .describe('Which tool audits the dependencies.'),
      requirements: stringList(
        'Requirement files the audit reads, relative to the repository root.',
        () => [...defaults.dependencies.requirements],
      ),
    })
    .prefault({})
    .describe('The dependency audit.'),
  concurrency: z
    .number()
    .int()
    .min(0)
    .default(defaults.concurrency)
    .describe('How many tool processes run at once; 0 means one per CPU core.'),
  test: testSchema,
  build: buildSchema,
  scan: scanSchema,
  gates: gatesSchema,
  reports: reportsSchema,
  cache: cacheSchema,
  metrics: metricsSchema,
  alerts: alertsSchema,
  jenkins: jenkinsSchema,
  policy: policySchema,
  environments: environmentsSchema
    .default({})
    .describe('Where `cicd deploy` and `cicd rollback` act, by environment name (staging, production, …).'),
}

/** What a user may write: the schema editors and docs describe. */
export const configInputSchema = z.strictObject(sections).describe("cicd's configuration")

/** Safety's and pip-audit's `enabled`, when the file leaves it unset, follow the chosen provider. */
function withEnabled<T extends {enabled?: boolean}>(check: T, chosen: boolean): Omit<T, 'enabled'> & {enabled: boolean} {
  const {enabled, ...rest} = check
  return {enabled: enabled ?? chosen, ...rest}
}

/** Validates a user's configuration (undefined for none) into the resolved configuration. */
export const configSchema = configInputSchema.prefault({}).transform(({$schema: _ignored, ...config}): CicdConfig => {
  const {provider} = config.dependencies
  return {
    ...config,
    checks: {
      ...config.checks,
      safety: withEnabled(config.checks.safety, provider === 'safety'),
      'pip-audit': withEnabled(config.checks['pip-audit'], provider === 'pip-audit'),
    },
  }
})
