// isort `--check-only --diff`: `ERROR: <absolute path> Imports are incorrectly sorted and/or formatted.` on
// stderr, the diff on stdout with `:before`/`:after` after the absolute path. Each hunk becomes one
// `import-order` warning at its first changed line. A file isort could not decode (a UserWarning on
// stderr; isort skips it and still exits 0) is a `cannot-parse` error about that file. `Broken N paths`
// means isort was given paths that do not exist: a crash. Exit codes: 0 clean, 1 unsorted or broken paths.
import type {CheckDefinition, Finding, ParseResult} from './types.js'
import {hunkRange, readUnifiedDiff} from './diff.js'
import {asOperand, stripAnsi, toRepoPath} from './paths.js'
import {matchVersion, toolError} from './tool-output.js'

const UNSORTED = /^ERROR: (.+?) Imports are incorrectly sorted and\/or formatted\.$/
const UNREADABLE = /UserWarning: Unable to parse file (.+?) due to (.*)$/
const BROKEN = /^Broken (\d+) paths?$/m

function unsorted(file: string, line: number, detail: string): Finding {
  return {
    tool: 'isort',
    rule: 'import-order',
    severity: 'warning',
    file,
    line,
    column: 0,
    message: `Imports are incorrectly sorted and/or formatted (${detail})`,
  }
}

export const isort: CheckDefinition = {
  id: 'isort',
  tool: 'isort',
  phase: 'static',
  inputs: 'python',
  fileLocal: true,
  configFiles: ['.isort.cfg', 'pyproject.toml', 'setup.cfg', 'tox.ini', '.editorconfig'],
  argv(files, settings) {
    // --filter-files: the repository's `skip` settings apply to files named on the command line too, as
    // they do when CI runs `isort --check-only .`.
    return ['isort', '--check-only', '--diff', '--filter-files', ...settings.args, ...files.map(asOperand)]
  },
  parse(output, context): ParseResult {
    const stdout = stripAnsi(output.stdout)
    if (output.exitCode !== 0 && output.exitCode !== 1) return toolError('isort', output)
    const broken = BROKEN.exec(stdout)
    if (broken) return toolError('isort', output, `isort could not find ${broken[1]} of the paths it was given`)
    const findings: Finding[] = []
    const toSort = new Set<string>()
    for (const line of stripAnsi(output.stderr).split(/\r?\n/)) {
      const reported = UNSORTED.exec(line)
      if (reported) toSort.add(toRepoPath(reported[1], context.root))
      const unreadable = UNREADABLE.exec(line)
      if (unreadable) {
        findings.push({
          tool: 'isort',
          rule: 'cannot-parse',
          severity: 'error',
          file: toRepoPath(unreadable[1], context.root),
          line: 0,
          column: 0,
          message: `isort cannot read this file: ${unreadable[2]}`,
        })
      }
    }
    for (const diff of readUnifiedDiff(stdout)) {
      const file = toRepoPath(diff.name.replace(/:before$/, ''), context.root)
      toSort.delete(file)
      for (const hunk of diff.hunks) {
        findings.push(unsorted(file, hunk.firstChangedLine, hunkRange(hunk)))
      }
    }
    for (const file of toSort) findings.push(unsorted(file, 0, 'whole file'))
    if (output.exitCode === 1 && findings.length === 0) {
      return toolError('isort', output, 'isort exited with code 1 without naming a file')
    }
    return {kind: 'findings', findings}
  },
  versionArgv: ['--version'],
  // An ASCII-art logo, then "VERSION 5.6.4".
  parseVersion: (output) => matchVersion(output, /VERSION (\S+)/),
}
