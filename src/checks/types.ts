// The check model: a check is data (what to run, on which files, how to read the result), independent of
// the runner that executes it.

export type PhaseId = 'static' | 'test' | 'build' | 'scan'

export const PHASES: readonly PhaseId[] = ['static', 'test', 'build', 'scan']

/** SARIF's levels; each parser maps its tool's own severities onto them. */
export type Severity = 'error' | 'warning' | 'note'

export interface Finding {
  tool: string
  /** The tool's rule or message id (F401, unused-import, B602, a CVE id…). */
  rule: string
  severity: Severity
  /** Relative to the repository root, forward slashes. */
  file: string
  /** 1-based; 0 when the tool gives no line (a whole-file or whole-package finding). */
  line: number
  /** 1-based; 0 when the tool gives no column. */
  column: number
  message: string
}

/** What a runner returns for one invocation. */
export interface ToolOutput {
  stdout: string
  stderr: string
  exitCode: number
  durationMs: number
  /** The contents of the check's declared output files (CheckDefinition.outputFiles), by name; absent when not written. */
  files?: Record<string, string>
}

export interface ParseContext {
  /** The repository root as the runner saw it (tools may print absolute paths under it). */
  root: string
  /** The requirement files a dependency audit ran on (its reports do not always say which). */
  requirements?: string[]
}

export type ParseResult =
  | {kind: 'findings'; findings: Finding[]; score?: number}
  | {kind: 'error'; message: string}

export type CheckId = 'flake8' | 'pylint' | 'black' | 'isort' | 'bandit' | 'safety' | 'pip-audit'

/** The slice of resolved configuration a check's argv may depend on. */
export interface CheckSettings {
  /** Extra arguments from configuration, appended before the files. */
  args: string[]
  /** flake8 only: the max line length cicd passes when the repository has no flake8 configuration. */
  maxLineLength?: number
  /** safety / pip-audit: requirement files, relative to the root. */
  requirements?: string[]
}

export interface CheckDefinition {
  id: CheckId
  /** The executable's name; the runner resolves it. */
  tool: string
  phase: PhaseId
  /** Which repository files the check reads: Python sources, or the requirement files it is given. */
  inputs: 'python' | 'requirements'
  /** True when findings for a file depend on that file alone: it may be split into batches. */
  fileLocal: boolean
  /** The configuration files the tool reads, relative to the project root (the cache keys on them). */
  configFiles: readonly string[]
  /**
   * outputDir (always given by the pipeline): a fresh directory for this invocation's output files, writable by the tool and readable
   * afterwards (the same path inside the tools container).
   */
  argv(files: string[], settings: CheckSettings, outputDir?: string): string[]
  /** Files the tool writes into outputDir that the parser reads (a report the tool cannot print on a pipe). */
  outputFiles?: string[]
  /**
   * Options that keep a tool which spreads itself over every core to one process, for the version that runs
   * (none when that version lacks them). cicd already runs the tools side by side, as many as there are
   * cores; a tool starting workers of its own on top slows the others, pylint above all, which decides when
   * the phase ends. They change nothing the tool reports.
   */
  oneProcessArgs?(version: string | undefined): string[]
  /**
   * A Python tool whose run builds objects it keeps until it exits (pylint's ASTs): run it with the cyclic
   * garbage collector off (runners/python-launch.ts). It changes nothing the tool reports.
   */
  withoutCyclicGc?: boolean
  parse(output: ToolOutput, context: ParseContext): ParseResult
  /** Arguments that print the tool's version, and how to read it. */
  versionArgv: string[]
  parseVersion(output: ToolOutput): string | undefined
}
