// The `environments` key of the configuration: where and how `cicd deploy` and `cicd rollback` act.
// Defaults follow the design: staging rolls 3 instances, production is blue-green behind a load balancer
// with an approval, a backup before every deploy, and the old colour kept 24 h for an instant rollback.
// Secrets (database passwords, webhook URLs, SMTP passwords) may be written as `${ENV_VAR}` references;
// they are resolved at use time and redacted from every output and record.
import {z} from 'zod'

import {checksSchema, verifySettingsSchema} from '../verify/schema.js'

const engineSchema = z
  .object({
    /** `unix:///run/docker.sock`, `tcp://host:2376` or `ssh://user@host`. */
    url: z.string().regex(/^(unix|tcp|ssh):\/\//, 'an engine url starts with unix://, tcp:// or ssh://'),
    /** TLS files for a tcp:// engine. */
    tls: z.object({ca: z.string(), cert: z.string(), key: z.string()}).optional(),
  })
  .strict()

const healthCheckSchema = z
  .object({
    path: z.string().startsWith('/').default('/health'),
    expectedStatus: z.number().int().min(100).max(599).default(200),
    /** Consecutive good answers needed before an instance counts as healthy. */
    successes: z.number().int().min(1).default(3),
    intervalMs: z.number().int().min(10).default(1000),
    /** Per request. */
    timeoutMs: z.number().int().min(10).default(2000),
    /** How long an instance may take to become healthy before the deploy fails. */
    readyTimeoutMs: z.number().int().min(100).default(30_000),
  })
  .strict()

const serviceSchema = z
  .object({
    /** Repository without tag; the deployed version becomes the tag (`image:version`). */
    image: z.string().min(1),
    command: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).default({}),
    /** First instance's port; instance i listens on port + i (host networking). The service reads it from $PORT. */
    port: z.number().int().min(1).max(65535),
    /** Blue-green: green instances listen on port + greenPortOffset + i so blue and green can run side by side. */
    greenPortOffset: z.number().int().min(1).default(100),
    healthCheck: healthCheckSchema.prefault({}),
    /** Graceful stop before the engine kills the container. */
    stopTimeoutSeconds: z.number().int().min(0).default(30),
    /** Wait after leaving the load balancer so in-flight requests finish. */
    drainMs: z.number().int().min(0).default(2000),
  })
  .strict()

const databaseSchema = z
  .object({
    /** The application database (PostgreSQL DSN); `${VAR}` references are resolved at use time. */
    url: z.string().min(1),
    backupDir: z.string().min(1),
    /** A rollback refuses an older backup unless --force. */
    maxBackupAgeHours: z.number().positive().default(24),
  })
  .strict()

const loadBalancerSchema = z
  .object({
    type: z.literal('nginx').default('nginx'),
    /** The file holding `upstream <name> { server …; }`, included by nginx.conf. */
    upstreamFile: z.string().min(1),
    upstreamName: z.string().regex(/^[A-Za-z0-9_-]+$/).default('app'),
    /** Run after rewriting the upstream file; must fail when the configuration is invalid. */
    reloadCommand: z.array(z.string()).min(1).default(['nginx', '-s', 'reload']),
    /** Checked through the balancer after a switch (optional). */
    url: z.string().optional(),
  })
  .strict()

const levelSchema = z.enum(['INFO', 'WARNING', 'ERROR', 'CRITICAL'])

const routeBase = {minLevel: levelSchema.default('INFO')}
const routeSchema = z.discriminatedUnion('channel', [
  z.object({channel: z.literal('slack'), webhookUrl: z.string().min(1), ...routeBase}).strict(),
  z
    .object({
      channel: z.literal('email'),
      host: z.string().min(1),
      port: z.number().int().default(587),
      secure: z.boolean().default(false),
      user: z.string().optional(),
      password: z.string().optional(),
      from: z.string().min(1),
      to: z.array(z.string().min(1)).min(1),
      ...routeBase,
    })
    .strict(),
  z
    .object({
      channel: z.literal('pagerduty'),
      routingKey: z.string().min(1),
      url: z.string().default('https://events.pagerduty.com/v2/enqueue'),
      ...routeBase,
    })
    .strict(),
  z
    .object({
      channel: z.literal('webhook'),
      url: z.string().min(1),
      headers: z.record(z.string(), z.string()).default({}),
      ...routeBase,
    })
    .strict(),
])

const environmentInput = z
  .object({
    strategy: z.enum(['rolling', 'blue-green']).optional(),
    instances: z.number().int().min(1).optional(),
    engines: z.array(engineSchema).min(1).default([{url: 'unix:///var/run/docker.sock'}]),
    services: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'service names are lower-case kebab'), serviceSchema).default({}),
    database: databaseSchema.optional(),
    loadBalancer: loadBalancerSchema.optional(),
    migrations: z
      .object({
        /** Run in a one-off container of this service's new image, with DATABASE_URL set. */
        service: z.string(),
        command: z.array(z.string()).min(1),
        /** SQL returning one value: the schema's head, recorded in the release. */
        headQuery: z.string().optional(),
      })
      .strict()
      .optional(),
    notifications: z.object({routes: z.array(routeSchema).default([])}).strict().prefault({}),
    /** cicd's own records (releases, lock, journal, incidents, audit); never the application database. */
    stateDatabase: z.object({url: z.string().min(1)}).strict().optional(),
    lock: z
      .object({ttlSeconds: z.number().int().min(1).default(60), heartbeatSeconds: z.number().int().min(1).optional()})
      .strict()
      .prefault({}),
    approval: z
      .object({
        required: z.boolean().optional(),
        approvers: z.array(z.string()).default([]),
        timeoutMinutes: z.number().positive().max(30).default(30),
      })
      .strict()
      .prefault({}),
    backup: z.object({required: z.boolean().optional()}).strict().prefault({}),
    blueGreen: z.object({keepBlueHours: z.number().min(0).default(24)}).strict().prefault({}),
    /** The post-deploy checks (`cicd verify`, and after every deploy and rollback). */
    checks: checksSchema,
    /** Exported to command and pytest checks; `${VAR}` references resolved from the process environment. */
    variables: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name is a shell name'), z.string()).default({}),
    verify: verifySettingsSchema.prefault({}),
    /** Images of this many newest verified releases are protected from `cicd cleanup`. */
    keepReleases: z.number().int().min(1).default(3),
  })
  .strict()

/** Validates `environments`; fills the per-name defaults (production is blue-green, approved, backed up). */
export const environmentsSchema = z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/), environmentInput).transform((environments) =>
  Object.fromEntries(
    Object.entries(environments).map(([name, env]) => {
      const production = name === 'production'
      const strategy = env.strategy ?? (production ? 'blue-green' : 'rolling')
      return [
        name,
        {
          ...env,
          name,
          strategy,
          instances: env.instances ?? (strategy === 'rolling' ? 3 : 1),
          approval: {...env.approval, required: env.approval.required ?? production},
          backup: {required: env.backup.required ?? production},
          lock: {ttlSeconds: env.lock.ttlSeconds, heartbeatSeconds: env.lock.heartbeatSeconds ?? Math.max(1, Math.floor(env.lock.ttlSeconds / 3))},
        },
      ]
    }),
  ),
)

export type EnvironmentsConfig = z.output<typeof environmentsSchema>
export type EnvironmentConfig = EnvironmentsConfig[string]
export type ServiceConfig = z.output<typeof serviceSchema>
export type NotificationRoute = z.output<typeof routeSchema>
export type NotificationLevel = z.output<typeof levelSchema>
export type LoadBalancerConfig = z.output<typeof loadBalancerSchema>
