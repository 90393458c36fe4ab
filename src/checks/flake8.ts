// flake8: the default text format, one violation per line (`path:row:col: CODE text`).
// Severity: E9xx (E999 the file does not parse, E902 it cannot be read) and F (pyflakes: undefined names,
// unused imports…) are errors; everything else (pycodestyle E/W, mccabe C901, plugins) is a warning.
// Exit codes: 0 clean, 1 violations OR a catastrophic failure (message on stderr), 2 usage error; so a
// run is a crash when it exits non-zero without a single parsed violation, or says it crashed.
import type {CheckDefinition, Finding, ParseResult, Severity} from './types.js'
import {asOperand, stripAnsi, toRepoPath} from './paths.js'
import {matchVersion, toolError} from './tool-output.js'

// Lazy path: Windows paths contain ':' (`C:\x.py:1:2: E1 …`). Lines that do not match (statistics, counts,
// source lines from a repository's `show-source = true`) are not violations.
const LINE = /^(?<path>.+?):(?<row>\d+):(?<col>\d+): (?<code>[A-Z]+[0-9]+) (?<text>.*)$/

const CRASH = /There was a critical error during execution of Flake8|Traceback \(most recent call last\)/

function severityOf(code: string): Severity {
  return code.startsWith('E9') || code.startsWith('F') ? 'error' : 'warning'
}

export const flake8: CheckDefinition = {
  id: 'flake8',
  tool: 'flake8',
  phase: 'static',
  inputs: 'python',
  fileLocal: true,
  configFiles: ['setup.cfg', 'tox.ini', '.flake8'],
  argv(files, settings) {
    // --format=default because a repository's config may choose another formatter.
    const lineLength = settings.maxLineLength === undefined ? [] : [`--max-line-length=${settings.maxLineLength}`]
    return ['flake8', '--format=default', ...lineLength, ...settings.args, ...files.map(asOperand)]
  },
  // flake8's default --jobs=auto starts a worker per core.
  oneProcessArgs: () => ['--jobs=1'],
  parse(output, context): ParseResult {
    if (output.exitCode !== 0 && output.exitCode !== 1) return toolError('flake8', output)
    if (CRASH.test(stripAnsi(output.stderr))) return toolError('flake8', output, 'flake8 crashed')
    const findings: Finding[] = []
    for (const line of stripAnsi(output.stdout).split(/\r?\n/)) {
      const groups = LINE.exec(line)?.groups
      if (!groups) continue
      const row = Number(groups.row)
      findings.push({
        tool: 'flake8',
        rule: groups.code,
        severity: severityOf(groups.code),
        file: toRepoPath(groups.path, context.root),
        line: row,
        // E902 reports row 0 (the whole file) with a column of 1 that points at nothing.
        column: row === 0 ? 0 : Number(groups.col),
        message: groups.text,
      })
    }
    if (output.exitCode === 1 && findings.length === 0) {
      return toolError('flake8', output, 'flake8 exited with code 1 without reporting a violation')
    }
    return {kind: 'findings', findings}
  },
  versionArgv: ['--version'],
  // "5.0.4 (mccabe: 0.7.0, pycodestyle: 2.10.0, pyflakes: 2.5.0) CPython 3.11.2 on Linux"
  parseVersion: (output) => matchVersion(output, /^\s*(\d+\.\d+\S*)/),
}
