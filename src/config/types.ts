// The resolved configuration every service receives: defaults from the design documents, overlaid with
// the repository's configuration file. The schema in schema.ts validates user input into this shape.
import type {AlertsConfig} from '../alerts/schema.js'
import type {CacheConfig} from '../cache/schema.js'
import type {JenkinsConfig} from '../jenkins/schema.js'
import type {MetricsConfig} from '../metrics/schema.js'
import type {PolicyConfig} from '../policy/schema.js'
import type {EnvironmentsConfig} from './environments-schema.js'
import type {BuildConfig} from './sections/build.js'
import type {GatesConfig} from './sections/gates.js'
import type {ReportsConfig} from './sections/reports.js'
import type {ScanConfig} from './sections/scan.js'
import type {TestConfig} from './sections/test.js'

export type Gate = 'block' | 'warn'

export type RunnerChoice = 'auto' | 'local' | 'container'

export interface ToolCheckConfig {
  enabled: boolean
  gate: Gate
  /** Extra arguments appended after cicd's own (they are the repository's choice, so CI uses them too). */
  args: string[]
  /** An explicit executable for the local runner; otherwise PATH decides. */
  path?: string
}

export interface CicdConfig {
  runner: RunnerChoice
  /** Which Python files the static checks read: globs relative to the repository root. */
  paths: {include: string[]; exclude: string[]}
  tools: {
    /** The image the container runner uses. */
    image: string
    /** Pinned versions: `cicd tools build` installs them and `cicd doctor` compares local tools to them. */
    versions: Record<string, string>
  }
  checks: {
    flake8: ToolCheckConfig & {maxLineLength: number}
    pylint: ToolCheckConfig & {failUnder: number; scoreGate: Gate}
    black: ToolCheckConfig
    isort: ToolCheckConfig
    bandit: ToolCheckConfig
    safety: ToolCheckConfig
    'pip-audit': ToolCheckConfig
  }
  dependencies: {provider: 'safety' | 'pip-audit'; requirements: string[]}
  /** Parallel tool processes; 0 means the number of cores. */
  concurrency: number
  /** The test phase: pytest, coverage and its gate. */
  test: TestConfig
  /** The build phase: the platform's images. */
  build: BuildConfig
  /** The scan phase: Trivy over the built images. */
  scan: ScanConfig
  /** The five security gates of the design. */
  gates: GatesConfig
  /** The report folder every run writes. */
  reports: ReportsConfig
  /** The content-addressed result cache. */
  cache: CacheConfig
  /** The dashboard's targets (`cicd metrics`). */
  metrics: MetricsConfig
  /** Alert routing by level. */
  alerts: AlertsConfig
  /** The Jenkinsfile `cicd ci jenkinsfile` generates. */
  jenkins: JenkinsConfig
  /** Which phases each branch runs and where it deploys (the hook and `cicd deploy` both obey it). */
  policy: PolicyConfig
  /** Where `cicd deploy` and `cicd rollback` operate. */
  environments: EnvironmentsConfig
}
