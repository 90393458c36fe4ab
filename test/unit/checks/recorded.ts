// Loads the recorded real tool outputs in test/fixtures/tool-outputs (see SOURCES.md there) as the
// ToolOutput a runner would have returned.
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import type {ToolOutput} from '../../../src/checks/types.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const FIXTURES = join(HERE, '../../fixtures/tool-outputs')
const CAPTURES = join(HERE, 'captures')

export function fixtureText(relativePath: string): string {
  return readFileSync(join(FIXTURES, relativePath), 'utf8')
}

/**
 * A GENERATED capture `<tool>/generated/<name>.{stdout,stderr,rc}`; with one argument, a capture of the
 * exact argv cicd runs, recorded for this suite in test/unit/checks/captures (see README.md there).
 */
export function captured(tool: string, name?: string): ToolOutput {
  const read = name === undefined ? (suffix: string) => readFileSync(join(CAPTURES, `${tool}.${suffix}`), 'utf8') : (suffix: string) => fixtureText(`${tool}/generated/${name}.${suffix}`)
  return {stdout: read('stdout'), stderr: read('stderr'), exitCode: Number(read('rc').trim()), durationMs: 0}
}

/** A report file that the tool wrote, replayed as its stdout with the exit code the tool gives for it. */
export function reportOutput(relativePath: string, exitCode: number, stderr = ''): ToolOutput {
  return {stdout: fixtureText(relativePath), stderr, exitCode, durationMs: 0}
}

/**
 * The TaifishingV4 captures went through a wrapper that prefixed stderr with "错误: " and the stdout part
 * with a "标准输出:" line; this undoes the wrapper to get the two streams back.
 */
export function unwrapTaifishing(relativePath: string, exitCode: number): ToolOutput {
  const text = fixtureText(relativePath)
  const marker = text.indexOf('标准输出:\n')
  return {
    stderr: text.slice(0, marker).replace(/^错误: /, ''),
    stdout: text.slice(marker + '标准输出:\n'.length),
    exitCode,
    durationMs: 0,
  }
}

export function ok<T extends {kind: string}>(result: T): Extract<T, {kind: 'findings'}> {
  if (result.kind !== 'findings') throw new Error(`expected findings, got ${JSON.stringify(result)}`)
  return result as Extract<T, {kind: 'findings'}>
}
