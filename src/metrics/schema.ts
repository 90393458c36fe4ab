// The `metrics` configuration section: the targets of the design's dashboard (its defaults), the default
// environment and window, which runs count as builds, and where CI's run ledger lives. No transform: the
// schema also feeds the editor JSON Schema, and parsing its own output gives the same value.
import {z} from 'zod'

const target = (value: number, description: string) => z.number().min(0).default(value).describe(description)

export const WINDOW_PATTERN = /^(\d+)(m|h|d|w)$/

export const metricsSchema = z
  .strictObject({
    environment: z.string().min(1).default('production').describe('The environment `cicd metrics` reports on without --env.'),
    window: z.string().regex(WINDOW_PATTERN, 'a duration such as 30d, 2w, 12h or 90m').default('30d').describe('The window without --window; trends compare it with the window before.'),
    builds: z
      .strictObject({
        where: z
          .array(z.enum(['ci', 'hook', 'local']))
          .min(1)
          .default((): ('ci' | 'hook' | 'local')[] => ['ci'])
          .describe('Which runs count as builds for the build and quality metrics: CI\'s pipeline runs by default, not a developer\'s experiments.'),
      })
      .prefault({})
      .describe('Which recorded `cicd check` runs are builds.'),
    ledger: z
      .strictObject({
        environment: z
          .string()
          .min(1)
          .optional()
          .describe('The environment whose state database holds CI\'s run ledger and the health probes; unset: production when it has one, else the first that does.'),
      })
      .prefault({})
      .describe('Where `cicd check --ci` records its runs.'),
    targets: z
      .strictObject({
        buildSuccessRate: target(95, 'Build success rate above this, in percent.'),
        avgBuildMinutes: target(60, 'Average build time under this many minutes.'),
        deploymentsPerMonth: target(15, 'At least this many successful deployments per 30 days.'),
        leadTimeHours: target(24, 'Median lead time for changes at most this many hours.'),
        deploymentSuccessRate: target(95, 'Deployment success rate above this, in percent.'),
        coverage: target(70, 'Test coverage above this, in percent.'),
        codeQuality: target(7, 'Pylint score above this (out of 10).'),
        securityScore: target(90, 'Security score above this, in percent.'),
        mttrMinutes: target(30, 'Mean time to restore under this many minutes.'),
        changeFailureRate: target(5, 'Change failure rate under this, in percent.'),
        availability: target(99.5, 'Availability above this, in percent.'),
      })
      .prefault({})
      .describe('The target of each metric (defaults from the design documents).'),
  })
  .prefault({})
  .describe('`cicd metrics`: targets, default environment and window, and the run ledger.')

export type MetricsConfig = z.output<typeof metricsSchema>
export type MetricTargets = MetricsConfig['targets']
