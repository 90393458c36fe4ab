// pylint: both the JSON reporter and the text reporter on stdout, from one run. pylint 2.x's JSON carries
// no score, and json2 (which does) only exists from 3.0; the text reporter ends with "Your code has been
// rated at X/10". (Sending the text to /dev/stderr instead fails under Node: a child's stdio is a socket,
// and opening /dev/stderr on a socket gives ENXIO.) stdout is thus: text messages, the JSON document
// (pretty-printed: it opens with a line `[` or `{` and closes with a line `]` or `}`), then the score.
// The parser accepts both JSON shapes: an array (json) or {messages, statistics} (json2, pylint >= 3).
// Severity: fatal/error -> error, warning -> warning, convention/refactor/info -> note. Columns are 0-based
// in pylint and become 1-based. The exit code is a bit mask (1 fatal, 2 error, 4 warning, 8 refactor,
// 16 convention, 32 usage error) that --fail-under can zero, so a crash is decided from the report: no JSON,
// the usage bit, or a fatal message other than F0010 parse-error (F0001 a file or module it could not load,
// F0002 astroid or a checker crashed). F0010 (a file pylint cannot decode) is a finding about that file,
// like E0001 syntax-error.
import type {CheckDefinition, Finding, ParseResult, Severity} from './types.js'
import {asOperand, stripAnsi, toRepoPath} from './paths.js'
import {matchVersion, readJsonReport, toolError} from './tool-output.js'

interface PylintMessage {
  type?: string
  symbol?: string
  message?: string
  'message-id'?: string
  messageId?: string
  line?: number | null
  column?: number | null
  path?: string
}

const USAGE_ERROR_BIT = 32

const SCORE = /Your code has been rated at (-?\d+(?:\.\d+)?)\/10/g

function severityOf(type: string | undefined): Severity {
  if (type === 'fatal' || type === 'error') return 'error'
  return type === 'warning' ? 'warning' : 'note'
}

/** Fatal messages that concern one file pylint could not read, not pylint itself. */
const FILE_FATALS = new Set(['parse-error'])

/**
 * The JSON document and the text printed after it (where the rating is). pylint pretty-prints: the document
 * opens with a line `[` or `{` and closes with a line `]` or `}`; a compact one-line document is accepted
 * too. Text message lines start with a path, so each candidate line is tried until one parses.
 */
function splitOutput(stdout: string): {report: unknown; after: string} | undefined {
  const lines = stripAnsi(stdout).split(/\r?\n/)
  for (const [start, line] of lines.entries()) {
    if (!line.startsWith('[') && !line.startsWith('{')) continue
    const end = line === '[' || line === '{' ? lines.indexOf(line === '[' ? ']' : '}', start + 1) : start
    if (end === -1) continue
    const report = readJsonReport(lines.slice(start, end + 1).join('\n'))
    if (report.ok) return {report: report.value, after: lines.slice(end + 1).join('\n')}
  }
  return undefined
}

function messagesOf(report: unknown): {messages: PylintMessage[]; score?: unknown} | undefined {
  if (Array.isArray(report)) return {messages: report as PylintMessage[]}
  if (report !== null && typeof report === 'object' && Array.isArray((report as {messages?: unknown}).messages)) {
    const json2 = report as {messages: PylintMessage[]; statistics?: {score?: unknown}}
    return {messages: json2.messages, score: json2.statistics?.score}
  }
  return undefined
}

/** The score from json2's statistics, else from the last rating line of the text report. */
function scoreOf(json2Score: unknown, text: string): number | undefined {
  if (typeof json2Score === 'number') return json2Score
  const ratings = [...text.matchAll(SCORE)]
  return ratings.length === 0 ? undefined : Number(ratings.at(-1)?.[1])
}

export const pylint: CheckDefinition = {
  id: 'pylint',
  tool: 'pylint',
  phase: 'static',
  inputs: 'python',
  // Cross-module checks (duplicate-code, cyclic-import) need every file in one run.
  fileLocal: false,
  // Most of a pylint run is building ASTs it keeps to the end: the cyclic collector only slows it.
  withoutCyclicGc: true,
  configFiles: ['.pylintrc', 'pylintrc', 'pyproject.toml', 'setup.cfg', 'tox.ini'],
  argv(files, settings) {
    // --persistent=n: the saved stats only feed the "previous run" comparison, and writing them to
    // ~/.cache fails on a read-only home in the tools container.
    return ['pylint', '--output-format=json,text', '--persistent=n', ...settings.args, ...files.map(asOperand)]
  },
  parse(output, context): ParseResult {
    if ((output.exitCode & USAGE_ERROR_BIT) !== 0) return toolError('pylint', output, 'pylint reported a usage error')
    const printed = splitOutput(output.stdout)
    const parsed = printed ? messagesOf(printed.report) : undefined
    if (!printed || !parsed) return toolError('pylint', output, 'pylint printed no JSON report')
    const fatal = parsed.messages.filter((message) => message.type === 'fatal' && !FILE_FATALS.has(message.symbol ?? ''))
    if (fatal.length > 0) {
      const detail = fatal.map((message) => `${message['message-id'] ?? message.messageId} ${message.path}: ${message.message}`)
      return {kind: 'error', message: `pylint could not check every file:\n${detail.join('\n')}`}
    }
    const findings: Finding[] = parsed.messages.map((message) => ({
      tool: 'pylint',
      rule: message.symbol ?? message['message-id'] ?? message.messageId ?? 'unknown',
      severity: severityOf(message.type),
      file: toRepoPath(message.path ?? '', context.root),
      line: typeof message.line === 'number' ? message.line : 0,
      column: typeof message.column === 'number' ? message.column + 1 : 0,
      message: `${message.message ?? ''} (${message['message-id'] ?? message.messageId ?? message.symbol})`,
    }))
    const score = scoreOf(parsed.score, printed.after)
    return score === undefined ? {kind: 'findings', findings} : {kind: 'findings', findings, score}
  },
  versionArgv: ['--version'],
  // "pylint 2.16.2\nastroid 2.14.2\nPython 3.11.2 …"
  parseVersion: (output) => matchVersion(output, /^pylint (\S+)/m),
}
