// The local runner: tools from configuration, else from PATH, run with execa in the repository.
import {mkdtemp, realpath, rm, stat} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {CicdError, ExitCode, PrerequisiteError} from '../errors.js'
import type {CleanupStack} from '../lifecycle/cleanup.js'
import {CommandNotFound, execFile, findOnPath} from '../adapters/process.js'
import {pythonInterpreterOfFile, withoutCyclicGc} from './python-launch.js'
import type {ResolvedTool, RunRequest, Runner} from './types.js'
import type {ToolOutput} from '../checks/types.js'

export interface LocalRunnerOptions {
  /** Explicit executables from configuration, by tool name. */
  paths?: Record<string, string | undefined>
  /** Where the output directories' removal is registered, so an interrupted run removes them too. */
  cleanup?: CleanupStack
  signal?: AbortSignal
}

export function createLocalRunner(options: LocalRunnerOptions = {}): Runner {
  const resolved = new Map<string, Promise<ResolvedTool>>()
  const outputDirs: string[] = []
  const creating = new Set<Promise<unknown>>()
  // Once removed (the run ended, or was interrupted while its checks go on winding down), no directory is
  // made any more; one being made meanwhile is waited for and removed with the others.
  let removed = false
  const removeOutputDirs = async () => {
    removed = true
    await Promise.allSettled(creating)
    await Promise.all(outputDirs.splice(0).map((dir) => rm(dir, {recursive: true, force: true})))
  }
  const unregister = options.cleanup?.add('local output directories', removeOutputDirs)

  const resolve = (tool: string): Promise<ResolvedTool> => {
    let pending = resolved.get(tool)
    if (!pending) {
      pending = resolveTool(tool, options.paths?.[tool])
      resolved.set(tool, pending)
    }
    return pending
  }

  return {
    kind: 'local',
    description: 'local',
    resolve,
    async run(request: RunRequest): Promise<ToolOutput> {
      const [tool, ...args] = request.argv
      const resolvedTool = await resolve(tool)
      const {path} = resolvedTool
      const [file, ...fileArgs] = request.withoutCyclicGc && resolvedTool.python ? withoutCyclicGc(resolvedTool.python, path, args) : [path, ...args]
      try {
        return await execFile(file, fileArgs, {
          cwd: request.cwd,
          env: request.env,
          timeoutMs: request.timeoutMs,
          signal: options.signal,
        })
      } catch (error) {
        if (error instanceof CommandNotFound) throw missingTool(tool, path)
        throw error
      }
    },
    async identify(tool) {
      const real = await realpath((await resolve(tool)).path)
      const {size, mtimeMs} = await stat(real)
      return `local:${real}:${size}:${mtimeMs}`
    },
    async outputDir(label) {
      if (removed) throw new CicdError(`No ${label} directory: the run is ending.`, {exitCode: ExitCode.checkFailed})
      const making = mkdtemp(path.join(os.tmpdir(), `cicd-${label.replaceAll(/[^\w.-]/g, '_')}-`)).then((dir) => {
        outputDirs.push(dir)
        return dir
      })
      creating.add(making)
      try {
        return await making
      } finally {
        creating.delete(making)
      }
    },
    async dispose() {
      await (unregister ? unregister() : removeOutputDirs())
    },
  }
}

async function resolveTool(tool: string, configured: string | undefined): Promise<ResolvedTool> {
  const found = await findOnPath(configured ?? tool)
  if (!found) throw missingTool(tool, configured)
  return {name: tool, path: found, python: await pythonInterpreterOfFile(found)}
}

function missingTool(tool: string, configured: string | undefined): PrerequisiteError {
  const where = configured ? `at ${configured} (checks.${tool}.path)` : 'on PATH'
  return new PrerequisiteError(`${tool} is not installed ${where}.`, [
    `Install it (on Debian: apt-get install ${tool === 'pip-audit' ? 'pip-audit' : tool}), or set checks.${tool}.path in the configuration`,
    `or run the tools in containers: cicd check --runner container (build the image with: cicd tools build)`,
    `or leave this check out: cicd check --skip ${tool}`,
  ])
}
