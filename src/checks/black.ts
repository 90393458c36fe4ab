// black `--check --diff`: the diff on stdout, status lines on stderr (`would reformat X`,
// `error: cannot format X: reason`). Each diff hunk becomes one `format` finding at the first original line
// it changes (a warning: the code works, its layout differs); a file black cannot format is a
// `cannot-format` error at the position of "Cannot parse: L:C" when given. Exit codes: 0 nothing to change,
// 1 changes, 123 a file failed (a finding) or black itself failed (nothing parsed: a crash), 2 usage error.
import type {CheckDefinition, Finding, ParseResult} from './types.js'
import {hunkRange, readUnifiedDiff} from './diff.js'
import {asOperand, stripAnsi, toRepoPath} from './paths.js'
import {matchVersion, toolError} from './tool-output.js'

const WOULD_REFORMAT = /^would reformat (.+)$/
const CANNOT_FORMAT = /^error: cannot format (.+?): (.*)$/
// black's column is the tokenizer's 0-based offset; newer versions name the target version first.
const CANNOT_PARSE_AT = /Cannot parse(?: for target version [^:]+)?: (\d+):(\d+):/

function cannotFormat(file: string, reason: string): Finding {
  const position = CANNOT_PARSE_AT.exec(reason)
  return {
    tool: 'black',
    rule: 'cannot-format',
    severity: 'error',
    file,
    line: position ? Number(position[1]) : 0,
    column: position ? Number(position[2]) + 1 : 0,
    message: `black cannot format this file: ${reason}`,
  }
}

function reformat(file: string, line: number, detail: string): Finding {
  return {tool: 'black', rule: 'format', severity: 'warning', file, line, column: 0, message: `black would reformat ${detail}`}
}

export const black: CheckDefinition = {
  id: 'black',
  tool: 'black',
  phase: 'static',
  inputs: 'python',
  fileLocal: true,
  configFiles: ['pyproject.toml'],
  argv(files, settings) {
    // --no-color: a repository's [tool.black] may turn colour on, which would wrap the diff in escapes.
    return ['black', '--check', '--diff', '--no-color', ...settings.args, ...files.map(asOperand)]
  },
  // black checks several files in a pool of one worker per core; --workers arrived in 22.1.
  oneProcessArgs: (version) => (Number(version?.split('.')[0]) >= 22 ? ['--workers=1'] : []),
  parse(output, context): ParseResult {
    if (![0, 1, 123].includes(output.exitCode)) return toolError('black', output)
    const findings: Finding[] = []
    const toReformat = new Set<string>()
    for (const line of stripAnsi(output.stderr).split(/\r?\n/)) {
      const failed = CANNOT_FORMAT.exec(line)
      if (failed) findings.push(cannotFormat(toRepoPath(failed[1], context.root), failed[2]))
      const reformatted = WOULD_REFORMAT.exec(line)
      if (reformatted) toReformat.add(toRepoPath(reformatted[1], context.root))
    }
    for (const diff of readUnifiedDiff(stripAnsi(output.stdout))) {
      const file = toRepoPath(diff.name, context.root)
      toReformat.delete(file)
      for (const hunk of diff.hunks) {
        findings.push(reformat(file, hunk.firstChangedLine, hunkRange(hunk)))
      }
    }
    // `--quiet` or a diff cut short: black still named the file.
    for (const file of toReformat) findings.push(reformat(file, 0, 'this file'))
    if (output.exitCode !== 0 && findings.length === 0) {
      return toolError('black', output, `black exited with code ${output.exitCode} without naming a file`)
    }
    return {kind: 'findings', findings}
  },
  versionArgv: ['--version'],
  // "black, 23.1.0 (compiled: no)"; older releases print "black, version 22.3.0".
  parseVersion: (output) => matchVersion(output, /^black,? (?:version )?(\S+)/m),
}
