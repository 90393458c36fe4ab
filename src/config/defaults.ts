// The defaults a repository without configuration runs on, taken from the design documents: code quality
// and security findings warn, pylint's score must reach 7.0, flake8 allows 120 columns, and the tool
// versions are the ones CI's Debian bookworm machines have.
import type {CicdConfig, ToolCheckConfig} from './types.js'

/**
 * The versions `cicd tools build` installs and `cicd doctor` compares against. Debian bookworm's packages,
 * which is what CI runs; Safety and pip-audit are not packaged by Debian, so they are pinned to the last
 * release of the line CI was set up with.
 */
export const PINNED_TOOL_VERSIONS: Readonly<Record<string, string>> = Object.freeze({
  flake8: '5.0.4',
  pylint: '2.16.2',
  black: '23.1.0',
  isort: '5.6.4',
  bandit: '1.6.2',
  pytest: '7.2.1',
  'pytest-cov': '4.0.0',
  safety: '3.2.14',
  'pip-audit': '2.7.3',
})

/**
 * Directories no check ever reads, whatever `paths` says: version control, virtual environments, build
 * output and caches. They hold third-party or generated code that CI never lints, and walking them is what
 * makes a naive run slow. Matched as whole path segments at any depth.
 */
export const ALWAYS_EXCLUDED_DIRS: readonly string[] = Object.freeze([
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '.eggs',
  'node_modules',
  'build',
  'dist',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
])

/** `paths.exclude` plus the always-excluded directories, as globs relative to the repository root. */
export function effectiveExcludes(paths: CicdConfig['paths']): string[] {
  return [...ALWAYS_EXCLUDED_DIRS.map((dir) => `**/${dir}/**`), ...paths.exclude]
}

function tool(overrides: Partial<ToolCheckConfig> = {}): ToolCheckConfig {
  return {enabled: true, gate: 'warn', args: [], ...overrides}
}

/**
 * A fresh copy each call, so no caller can change another's defaults. The policy and environments
 * sections and the phase sections keep their defaults in their own schemas (src/policy/schema.ts,
 * environments-schema.ts, sections/*.ts, src/cache/schema.ts).
 */
export function defaultConfig(): Omit<CicdConfig, 'policy' | 'environments' | 'test' | 'build' | 'scan' | 'gates' | 'reports' | 'cache' | 'metrics' | 'alerts' | 'jenkins'> {
  return {
    runner: 'auto',
    paths: {include: ['**/*.py'], exclude: []},
    tools: {image: 'cicd-tools:local', versions: {...PINNED_TOOL_VERSIONS}},
    checks: {
      flake8: {...tool(), maxLineLength: 120},
      pylint: {...tool(), failUnder: 7.0, scoreGate: 'warn'},
      black: tool(),
      isort: tool(),
      bandit: tool(),
      // Only the chosen dependency-audit provider runs: the schema derives both `enabled` values from
      // `dependencies.provider` unless the repository sets them.
      safety: tool(),
      'pip-audit': tool({enabled: false}),
    },
    dependencies: {provider: 'safety', requirements: ['requirements.txt']},
    concurrency: 0,
  }
}
