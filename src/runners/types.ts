// A runner executes a tool's argv somewhere (on this machine, or inside the tools container) and returns
// its raw output. Parsers never know which runner ran.
import type {ToolOutput} from '../checks/types.js'
import type {PythonInterpreter} from './python-launch.js'

export type RunnerKind = 'local' | 'container'

export interface RunRequest {
  /** argv[0] is the tool's name as in CheckDefinition.tool; the runner resolves it. */
  argv: string[]
  /** Working directory, absolute, inside the repository. */
  cwd: string
  env?: Record<string, string>
  timeoutMs?: number
  /**
   * Run a Python tool with the cyclic garbage collector off (python-launch.ts); a tool whose executable is
   * not a Python script runs as it is.
   */
  withoutCyclicGc?: boolean
}

export interface ResolvedTool {
  name: string
  /** The executable that runs (an absolute path; inside the container for the container runner). */
  path: string
  /** The Python interpreter on the executable's `#!` line, when it is a Python script. */
  python?: PythonInterpreter
}

export interface Runner {
  readonly kind: RunnerKind
  /** A short human description: "local" or "container cicd-tools:local (a1b2c3)". */
  readonly description: string
  /** How long it took to get ready, when that is the engine creating and starting a container (ms). */
  readonly startMs?: number
  /** Resolves a tool to the executable that will run; throws PrerequisiteError when it is missing. */
  resolve(tool: string): Promise<ResolvedTool>
  run(request: RunRequest): Promise<ToolOutput>
  /** A string that changes whenever the tool's executable does (to remember its version safely). */
  identify(tool: string): Promise<string>
  /**
   * A new empty directory for one invocation's output files: the tool writes it at the returned path and
   * cicd reads it at the same path. Removed with the runner.
   */
  outputDir(label: string): Promise<string>
  /** Releases what the runner holds (the container); safe to call twice. */
  dispose(): Promise<void>
}
