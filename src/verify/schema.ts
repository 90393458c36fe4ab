// The post-deploy checks of an environment (`environments.<name>.checks`) and how `cicd verify` runs them
// (`environments.<name>.verify`). Each check has a name, a kind, a suite, a timeout and retries; URLs, DSNs
// and commands may hold `${VAR}` references, resolved at run time against the environment's `variables`
// and the process environment, and redacted from every output.
import {z} from 'zod'

import {parseSelector} from './prometheus-text.js'

export const SUITES = ['integration', 'e2e'] as const
export type Suite = (typeof SUITES)[number]

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a check name is letters, digits, ".", "_" or "-"')

const common = {
  name,
  /** Phase 4 (integration, after every deploy) or phase 5 (e2e, staging only unless --force). */
  suite: z.enum(SUITES).default('integration'),
  /** One attempt's time limit; a check that hangs fails with this as its evidence. */
  timeoutMs: z.number().int().min(10).default(10_000),
  /** Attempts after the first before the check counts as failed. */
  retries: z.number().int().min(0).max(20).default(0),
  retryDelayMs: z.number().int().min(0).default(1000),
}

const bounds = z.strictObject({min: z.number().optional(), max: z.number().optional(), equals: z.union([z.number(), z.string()]).optional()})

const httpCheck = z.strictObject({
  kind: z.literal('http'),
  ...common,
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS']).default('GET'),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  expectedStatus: z.number().int().min(100).max(599).default(200),
  /** A field of the JSON answer (dotted path, e.g. `status` or `checks.db.state`) and the value it must have. */
  json: z.strictObject({field: z.string().min(1), equals: z.union([z.string(), z.number(), z.boolean(), z.null()])}).optional(),
  /** The answer must arrive within this many milliseconds. */
  latencyMs: z.number().int().min(1).optional(),
})

const postgresCheck = z.strictObject({
  kind: z.literal('postgres'),
  ...common,
  /** A PostgreSQL DSN; the environment's database.url when unset. */
  url: z.string().min(1).optional(),
  query: z.string().min(1).default('select 1'),
  /** Expectations on the number of rows returned and on the first column of the first row. */
  rows: bounds.omit({equals: true}).optional(),
  value: bounds.optional(),
})

const redisCheck = z.strictObject({
  kind: z.literal('redis'),
  ...common,
  /** `redis://[:password@]host:port[/db]`. */
  url: z.string().regex(/^rediss?:\/\//, 'a Redis url starts with redis:// or rediss://'),
})

const tcpCheck = z.strictObject({
  kind: z.literal('tcp'),
  ...common,
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(1).max(65535),
})

const commandCheck = z.strictObject({
  kind: z.literal('command'),
  ...common,
  /** The program and its arguments (no shell); runs in the project root unless `cwd` says otherwise. */
  command: z.array(z.string()).min(1),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).default({}),
  expectedExitCode: z.number().int().default(0),
})

const dockerCheck = z.strictObject({
  kind: z.literal('docker'),
  ...common,
  /** A service of this environment (its live release's containers), or any containers with these labels. */
  service: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  /** Fewer running containers than this fails; a service's default is its instance count. */
  minRunning: z.number().int().min(1).optional(),
  /** Usage of each container's limit (or of the host when it has none) above which the check fails. */
  maxCpuPercent: z.number().min(1).max(100_000).default(90),
  maxMemoryPercent: z.number().min(1).max(100).default(90),
}).refine((check) => check.service !== undefined || Object.keys(check.labels ?? {}).length > 0, {
  message: 'a docker check needs a service of the environment or labels to find its containers by',
  path: ['service'],
})

/** A metric name with optional label matchers, checked when the configuration loads. */
const selector = z.string().min(1).superRefine((text, context) => {
  try {
    parseSelector(text)
  } catch (error) {
    context.addIssue({code: 'custom', message: `not a metric selector: ${(error as Error).message}`})
  }
})

const errorRateCheck = z.strictObject({
  kind: z.literal('error-rate'),
  ...common,
  /** The failing ratio, 0..1 (5% by default). */
  threshold: z.number().min(0).max(1).default(0.05),
  /** A Prometheus server and an instant query returning the error ratio (0..1). */
  prometheus: z.strictObject({url: z.string().min(1), query: z.string().min(1)}).optional(),
  /**
   * Or a Prometheus-format metrics endpoint: the ratio of the counters selected by `errors` to those selected
   * by `total` (selectors like `http_requests_total{code=~"5.."}`); between two runs of a watch, of their increase.
   */
  metrics: z.strictObject({url: z.string().min(1), total: selector, errors: selector}).optional(),
}).refine((check) => (check.prometheus === undefined) !== (check.metrics === undefined), {
  message: 'an error-rate check reads either a Prometheus server ("prometheus": {url, query}) or a metrics endpoint ("metrics": {url, total, errors}), exactly one',
  path: ['prometheus'],
})

const pytestCheck = z.strictObject({
  kind: z.literal('pytest'),
  ...common,
  /** `pytest -m <marker>`; the suite's name by default. */
  marker: z.string().min(1).optional(),
  /** Where the tests run from, relative to the project root. */
  cwd: z.string().default('.'),
  /** The pytest executable (PATH decides when unset) and extra arguments. */
  path: z.string().optional(),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
})

export const CHECK_KINDS = ['http', 'postgres', 'redis', 'tcp', 'command', 'docker', 'error-rate', 'pytest'] as const

export const checkSchema = z.discriminatedUnion('kind', [httpCheck, postgresCheck, redisCheck, tcpCheck, commandCheck, dockerCheck, errorRateCheck, pytestCheck])

export const checksSchema = z.array(checkSchema).default([]).superRefine((checks, context) => {
  const seen = new Set<string>()
  checks.forEach((check, index) => {
    if (seen.has(check.name)) context.addIssue({code: 'custom', path: [index, 'name'], message: `the check name "${check.name}" is used twice; names identify checks in reports and alerts`})
    seen.add(check.name)
  })
})

export const verifySettingsSchema = z.strictObject({
  /**
   * Whether the e2e suite runs here, by `cicd verify` without --force and after each deploy. Only staging by
   * default: e2e tests push data through the whole pipeline.
   */
  e2e: z.boolean().optional(),
  /** The watch's interval and thresholds (the design's 30-minute monitoring window). */
  watch: z
    .strictObject({
      intervalSeconds: z.number().min(1).default(60),
      /** A slower answer from any http check is a WARNING. */
      latencyMs: z.number().int().min(1).default(2000),
      /** An error-rate check above this ratio is a WARNING. */
      errorRate: z.number().min(0).max(1).default(0.01),
    })
    .prefault({}),
})

export type CheckConfig = z.output<typeof checkSchema>
export type CheckKind = CheckConfig['kind']
export type CheckOf<K extends CheckKind> = Extract<CheckConfig, {kind: K}>
export type VerifySettings = z.output<typeof verifySettingsSchema>
