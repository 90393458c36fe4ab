// `--report sarif=FILE`: the run as a SARIF 2.1.0 log for GitHub code scanning and SARIF viewers, one run per
// tool that ran.
//
// Checks that were skipped get no run: an empty run would tell a code-scanning service that the tool found
// nothing, and close its open alerts. A tool that crashed gets a run with executionSuccessful false and the
// reason as a tool execution notification.
import {createHash} from 'node:crypto'
import {isAbsolute} from 'node:path'
import {pathToFileURL} from 'node:url'
import type * as Sarif from 'sarif'

import type {Finding} from '../checks/types.js'
import type {CheckResult, RunResult} from '../pipeline/result.js'
import {cleanText} from './text.js'

const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json'
const SRCROOT = '%SRCROOT%'

/** A relative URI reference: each path segment percent-encoded, so spaces, `#`, `%` and non-ASCII survive. */
function fileUri(file: string): string {
  return file
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/')
}

function location(finding: Finding): Sarif.Location {
  // 0 means "the tool did not say"; SARIF regions are 1-based and the schema rejects 0.
  const region: Sarif.Region | undefined =
    finding.line >= 1 ? {startLine: finding.line, ...(finding.column >= 1 ? {startColumn: finding.column} : {})} : undefined
  return {
    physicalLocation: {
      artifactLocation: {uri: fileUri(finding.file), uriBaseId: SRCROOT},
      ...(region ? {region} : {}),
    },
  }
}

/**
 * Stable across runs when lines move: tool, rule, file and message, not the line. Identical findings in one file
 * (the same message twice) are told apart by their order, so they stay separate alerts.
 */
function fingerprints(findings: Finding[]): string[] {
  const seen = new Map<string, number>()
  return findings.map((finding) => {
    const hash = createHash('sha256')
      .update([finding.tool, finding.rule, finding.file, cleanText(finding.message)].join('\u0000'))
      .digest('hex')
      .slice(0, 32)
    const occurrence = (seen.get(hash) ?? 0) + 1
    seen.set(hash, occurrence)
    return `${hash}:${occurrence}`
  })
}

function invocation(check: CheckResult): Sarif.Invocation {
  const failed = check.status === 'error'
  const why = cleanText(check.reason ?? `${check.tool} did not complete`)
  return {
    executionSuccessful: !failed,
    ...(check.exitCode === undefined ? {} : {exitCode: check.exitCode}),
    ...(failed ? {toolExecutionNotifications: [{level: 'error', message: {text: why}}]} : {}),
  }
}

function sarifRun(check: CheckResult, root: string): Sarif.Run {
  const ruleIds = [...new Set(check.findings.map((finding) => finding.rule))]
  const ruleIndex = new Map(ruleIds.map((id, index) => [id, index]))
  const prints = fingerprints(check.findings)
  const results: Sarif.Result[] = check.findings.map((finding, index) => ({
    ruleId: finding.rule,
    ruleIndex: ruleIndex.get(finding.rule),
    level: finding.severity,
    message: {text: cleanText(finding.message)},
    ...(finding.file ? {locations: [location(finding)]} : {}),
    partialFingerprints: {'cicdFindingHash/v1': prints[index]},
  }))
  return {
    tool: {
      driver: {
        name: check.tool,
        ...(check.toolVersion ? {version: check.toolVersion} : {}),
        rules: ruleIds.map((id) => ({id})),
      },
    },
    // A viewer resolves %SRCROOT% to the checkout; the URI must be absolute and end with a slash.
    ...(isAbsolute(root) ? {originalUriBaseIds: {[SRCROOT]: {uri: pathToFileURL(`${root.replace(/\/+$/, '')}/`).href}}} : {}),
    invocations: [invocation(check)],
    results,
    properties: {
      checkId: check.id,
      phase: check.phase,
      status: check.status,
      gate: check.gate,
      cached: check.cached,
      durationMs: check.durationMs,
      ...(check.score === undefined ? {} : {score: check.score}),
    },
  }
}

export function renderSarif(result: RunResult): string {
  const log: Sarif.Log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: result.phases
      .flatMap((phase) => phase.checks)
      .filter((check) => check.status !== 'skipped')
      .map((check) => sarifRun(check, result.root)),
  }
  return `${JSON.stringify(log, null, 2)}\n`
}
