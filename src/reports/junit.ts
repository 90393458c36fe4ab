// `--report junit=FILE`: the run as JUnit XML for Jenkins' `junit` step, written so that Jenkins reaches the
// same verdict as cicd.
//
// Layout: one <testsuite> per check (name = check id). A failed or warned check gets one <testcase> per
// finding (classname `flake8.src.pkg.module`, name `F401 src/pkg/module.py:3:1`); every other check, and a
// failed or warned check without findings or with a reason (a pylint score gate), gets one testcase for the
// check itself (classname `cicd.<phase>`, name = check id). So no suite is empty and Jenkins records every
// check that was planned.
//
// Verdict mapping. Jenkins turns the build UNSTABLE when any testcase has <failure> or <error>, and leaves it
// green for <skipped>. cicd fails only on a `failed` check (blocking findings or a blocking score gate) and a
// crashed tool (`error`), and passes with warnings. So:
//   findings of a block-gated check -> one <failure type="severity"> each
//   findings of a warn-gated check  -> one <skipped message="severity (gate: warn): ..."> each (visible, green)
//   a failed check with no failing finding (e.g. pylint's score under a blocking fail-under) -> one <failure>
//   a warned check's reason (e.g. the score under a warn gate)  -> one <skipped> for the check
//   error check   -> one <error> with the reason and exit code
//   skipped check -> one <skipped> with the reason
//   passed check  -> one passing testcase (findings that did not count, if any, go to <system-out>)
// Hence failures + errors summed over all suites is > 0 exactly when cicd's verdict is not ok, and equals the
// number of blocking findings plus failed checks without them plus crashed tools.
import type {Finding} from '../checks/types.js'
import type {CheckResult, RunResult} from '../pipeline/result.js'
import {cleanText} from './text.js'
import {renderXml, type XmlElement} from './xml.js'

/** A message attribute is shown on one line by Jenkins; the element text keeps the full message. */
function oneLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim()
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3)
}

function location(finding: Finding): string {
  if (!finding.file) return ''
  if (finding.line < 1) return finding.file
  return finding.column < 1 ? `${finding.file}:${finding.line}` : `${finding.file}:${finding.line}:${finding.column}`
}

/**
 * Jenkins splits classname at the last dot into package and class, so the file path becomes dotted segments
 * without its extension, and dots inside a segment become underscores so they do not invent packages.
 */
function findingClassname(checkId: string, file: string): string {
  if (!file) return checkId
  const segments = file.split('/').filter((segment) => segment !== '' && segment !== '.')
  const last = segments.length - 1
  segments[last] = segments[last].replace(/\.[^.]*$/, '') || segments[last]
  return [checkId, ...segments.map((segment) => segment.replaceAll('.', '_'))].join('.')
}

function findingText(finding: Finding): string {
  const where = location(finding)
  return `${where ? `${where}: ` : ''}${finding.rule} ${cleanText(finding.message)}`
}

interface CaseSpec {
  classname: string
  name: string
  time: string
  outcome?: {element: 'failure' | 'error' | 'skipped'; message: string; type?: string; text?: string}
  systemOut?: string
}

/**
 * A finding fails only in a failed check whose findings gate is `block`; otherwise it is a <skipped> (shown, not
 * failing), because cicd did not fail on it.
 */
function findingCases(check: CheckResult): CaseSpec[] {
  const seen = new Map<string, number>()
  return check.findings.map((finding) => {
    const base = `${finding.rule} ${location(finding)}`.trim()
    // Two findings of one rule at one place would collapse into one test in Jenkins' history; number them.
    const count = (seen.get(base) ?? 0) + 1
    seen.set(base, count)
    const name = count === 1 ? base : `${base} (${count})`
    const message = oneLine(`${finding.rule} ${finding.message}`)
    const text = findingText(finding)
    const outcome =
      check.status === 'failed' && check.gate === 'block'
        ? {element: 'failure' as const, message, type: finding.severity, text}
        : {element: 'skipped' as const, message: `${finding.severity} (gate: warn): ${message}`, text}
    return {classname: findingClassname(check.id, finding.file), name, time: '0.000', outcome}
  })
}

function verdict(check: CheckResult): string {
  const score = check.score === undefined ? '' : ` (score ${check.score})`
  return oneLine(check.reason ?? `${check.id} ${check.status}${score}`)
}

/** The testcase that stands for the check itself (classname `cicd.<phase>`, name = check id). */
function checkCase(check: CheckResult, findingsFail: boolean): CaseSpec {
  const spec: CaseSpec = {classname: `cicd.${check.phase}`, name: check.id, time: seconds(check.durationMs)}
  switch (check.status) {
    case 'failed':
    case 'warned': {
      // A failed check whose findings do not fail (none, or warn-gated ones under a failing pylint score)
      // fails here; otherwise this case only carries the reason, such as a score under a warn gate.
      return check.status === 'failed' && !findingsFail
        ? {...spec, outcome: {element: 'failure', message: verdict(check), type: 'gate'}}
        : {...spec, outcome: {element: 'skipped', message: `warning: ${verdict(check)}`}}
    }

    case 'error': {
      const exit = check.exitCode === undefined ? '' : `\nexit code ${check.exitCode}`
      const text = `${cleanText(check.reason ?? '')}${exit}`.trim()
      return {...spec, outcome: {element: 'error', message: verdict(check), type: 'tool-error', text}}
    }

    case 'skipped': {
      return {...spec, outcome: {element: 'skipped', message: verdict(check)}}
    }

    case 'passed': {
      const systemOut = check.findings.map((finding) => findingText(finding)).join('\n')
      return systemOut ? {...spec, systemOut} : spec
    }
  }
}

function casesOf(check: CheckResult): CaseSpec[] {
  if (check.status !== 'failed' && check.status !== 'warned') return [checkCase(check, false)]
  const findings = findingCases(check)
  const findingsFail = findings.some((spec) => spec.outcome?.element === 'failure')
  const needsCheckCase = findings.length === 0 || check.reason !== undefined || (check.status === 'failed' && !findingsFail)
  return needsCheckCase ? [...findings, checkCase(check, findingsFail)] : findings
}

interface Counts {
  tests: number
  failures: number
  errors: number
  skipped: number
}

function countCases(cases: CaseSpec[]): Counts {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.outcome?.element === 'failure').length,
    errors: cases.filter((c) => c.outcome?.element === 'error').length,
    skipped: cases.filter((c) => c.outcome?.element === 'skipped').length,
  }
}

function countAttributes(counts: Counts): Record<string, string> {
  return {
    tests: String(counts.tests),
    failures: String(counts.failures),
    errors: String(counts.errors),
    skipped: String(counts.skipped),
  }
}

function propertiesOf(check: CheckResult): XmlElement {
  const properties: [string, string | number | boolean | undefined][] = [
    ['tool', check.tool],
    ['phase', check.phase],
    ['status', check.status],
    ['gate', check.gate],
    ['cached', check.cached],
    ['toolVersion', check.toolVersion],
    ['toolPath', check.toolPath],
    ['score', check.score],
    ['exitCode', check.exitCode],
  ]
  return {
    name: 'properties',
    children: properties.filter(([, value]) => value !== undefined).map(([name, value]) => ({name: 'property', attributes: {name, value: cleanText(String(value))}})),
  }
}

function testcaseOf(spec: CaseSpec): XmlElement {
  const children: XmlElement[] = []
  if (spec.outcome) {
    const {element, message, type, text} = spec.outcome
    children.push({name: element, attributes: {message, type}, text})
  }
  if (spec.systemOut) children.push({name: 'system-out', text: spec.systemOut})
  return {name: 'testcase', attributes: {classname: cleanText(spec.classname), name: cleanText(spec.name), time: spec.time}, children}
}

export function renderJunit(result: RunResult): string {
  const checks = result.phases.flatMap((phase) => phase.checks)
  const suites = checks.map((check) => ({check, cases: casesOf(check)}))
  const totals = countCases(suites.flatMap((suite) => suite.cases))
  // Second precision, the form Ant and Surefire write and every Jenkins version reads.
  const timestamp = new Date(result.startedAt).toISOString().replace(/\.\d{3}Z$/, 'Z')

  return renderXml({
    name: 'testsuites',
    attributes: {name: 'cicd check', ...countAttributes(totals), time: seconds(result.durationMs)},
    children: suites.map(({check, cases}) => ({
      name: 'testsuite',
      attributes: {name: check.id, ...countAttributes(countCases(cases)), time: seconds(check.durationMs), timestamp},
      children: [propertiesOf(check), ...cases.map((spec) => testcaseOf(spec))],
    })),
  })
}
