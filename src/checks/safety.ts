// Safety `check --json -r <file>…`. Three report generations are read: 1.x prints an array of
// [name, spec, version, advisory, id, cvssv2, cvssv3]; 2.x and 3.x `check` print an object with
// `report_meta` and `vulnerabilities[]`; 3.x `scan` prints {meta: {schema_version: "3.0"}, scan_results}
// nested projects -> files -> dependencies -> specifications -> known_vulnerabilities.
// A finding per vulnerability: rule = Safety's vulnerability id (the CVE, when known, is in the message),
// severity error when a CVSS base score >= 7 is given, else warning; line 0 (the report does not say where
// the package is pinned). Ignored vulnerabilities are dropped: `ignored` is `false` in 2.0 but `{}` in
// 3.6, so only `true` or a non-empty object counts as ignored.
// Exit codes: 0 none found, 64 vulnerabilities (255 in 1.x); anything else is a failure, named below.
import type {ParseContext, CheckDefinition, Finding, ParseResult, Severity} from './types.js'
import {requirementArgs, requirementFile, shortAdvisory} from './requirements.js'
import {matchVersion, readJsonReport, toolError} from './tool-output.js'

const EXIT_MEANINGS: Record<number, string> = {
  1: 'safety failed',
  65: 'safety rejected the API key or authentication',
  66: 'safety was refused: too many requests',
  67: 'safety could not load its local vulnerability database',
  68: 'safety could not fetch its vulnerability database (no network?)',
  69: 'safety found its vulnerability database malformed',
  70: 'safety could not write a valid report',
  71: 'safety could not read a requirement',
  72: 'safety failed on an e-mail check',
  73: 'safety failed on account enrolment',
  74: 'safety failed on account enrolment',
  75: 'safety could not determine the machine id',
}

const FINDINGS_EXIT_CODES = new Set([0, 64, 255])

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function isIgnored(ignored: unknown): boolean {
  return ignored === true || (isObject(ignored) && Object.keys(ignored).length > 0)
}

/** The highest CVSS base score among `{base_score}` objects or plain numbers. */
function cvssScore(...candidates: unknown[]): number | undefined {
  const scores = candidates
    .map((candidate) => (isObject(candidate) ? candidate.base_score : candidate))
    .filter((score): score is number => typeof score === 'number')
  return scores.length === 0 ? undefined : Math.max(...scores)
}

function severityOf(score: number | undefined): Severity {
  return score !== undefined && score >= 7 ? 'error' : 'warning'
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

interface Vulnerability {
  id: string
  packageLabel: string
  cve?: string
  spec?: string
  advisory?: string
  score?: number
  file: string
}

function toFinding(vulnerability: Vulnerability): Finding {
  const cve = vulnerability.cve ?? vulnerability.advisory?.match(/CVE-\d{4}-\d+/)?.[0]
  const parts = [
    `${vulnerability.packageLabel} has a known vulnerability`,
    cve ? ` (${cve})` : '',
    vulnerability.spec ? `, affected ${vulnerability.spec}` : '',
    vulnerability.score === undefined ? '' : `, CVSS ${vulnerability.score}`,
    vulnerability.advisory ? `: ${shortAdvisory(vulnerability.advisory)}` : '',
  ]
  return {
    tool: 'safety',
    rule: vulnerability.id,
    severity: severityOf(vulnerability.score),
    file: vulnerability.file,
    line: 0,
    column: 0,
    message: parts.join(''),
  }
}

function fromV1(rows: unknown[], context: ParseContext): Vulnerability[] {
  return rows.filter(Array.isArray).map(([name, spec, version, advisory, id, cvssv2, cvssv3]) => ({
    id: String(id),
    packageLabel: `${name} ${version}`,
    spec: text(spec),
    advisory: text(advisory),
    score: cvssScore(cvssv2, cvssv3),
    file: requirementFile(context),
  }))
}

function fromCheck(report: Json, context: ParseContext): Vulnerability[] {
  const vulnerabilities = Array.isArray(report.vulnerabilities) ? report.vulnerabilities.filter(isObject) : []
  return vulnerabilities
    .filter((vulnerability) => !isIgnored(vulnerability.ignored))
    .map((vulnerability) => {
      const requirement = isObject(vulnerability.analyzed_requirement) ? vulnerability.analyzed_requirement : {}
      const severity = isObject(vulnerability.severity) ? vulnerability.severity : {}
      const spec = Array.isArray(vulnerability.vulnerable_spec) ? vulnerability.vulnerable_spec.join(', ') : vulnerability.vulnerable_spec
      return {
        id: String(vulnerability.vulnerability_id),
        packageLabel: `${vulnerability.package_name} ${vulnerability.analyzed_version}`,
        cve: text(vulnerability.CVE),
        spec: text(spec),
        advisory: text(vulnerability.advisory),
        score: cvssScore(severity.cvssv2, severity.cvssv3),
        file: requirementFile(context, text(requirement.found)),
      }
    })
}

function objects(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : []
}

function fromScan(report: Json, context: ParseContext): Vulnerability[] {
  const results = isObject(report.scan_results) ? report.scan_results : {}
  const files = [...objects(results.files), ...objects(results.projects).flatMap((project) => objects(project.files))]
  return files.flatMap((file) => {
    const dependencies = isObject(file.results) ? objects(file.results.dependencies) : []
    return dependencies.flatMap((dependency) =>
      objects(dependency.specifications).flatMap((specification) => {
        const found = isObject(specification.vulnerabilities) ? specification.vulnerabilities : {}
        return objects(found.known_vulnerabilities)
          .filter((vulnerability) => !isIgnored(vulnerability.ignored))
          .map((vulnerability) => {
            const cve = isObject(vulnerability.cve) ? vulnerability.cve : {}
            return {
              id: String(vulnerability.id),
              packageLabel: text(specification.raw) ?? String(dependency.name),
              cve: text(cve.name),
              spec: text(vulnerability.vulnerable_spec),
              advisory: text(vulnerability.advisory) ?? text(cve.advisory),
              score: cvssScore(cve.cvssv2, cve.cvssv3),
              file: requirementFile(context, text(file.location)),
            }
          })
      }),
    )
  })
}

export const safety: CheckDefinition = {
  id: 'safety',
  tool: 'safety',
  phase: 'static',
  inputs: 'requirements',
  fileLocal: false,
  configFiles: ['.safety-policy.yml'],
  argv(files, settings) {
    return ['safety', 'check', '--json', ...settings.args, ...requirementArgs(files, settings)]
  },
  parse(output, context: ParseContext): ParseResult {
    if (!FINDINGS_EXIT_CODES.has(output.exitCode)) {
      const meaning = EXIT_MEANINGS[output.exitCode]
      return toolError('safety', output, meaning ? `${meaning} (exit code ${output.exitCode})` : undefined)
    }
    const report = readJsonReport(output.stdout)
    if (!report.ok) return toolError('safety', output, 'safety printed no JSON report')
    const {value} = report
    let vulnerabilities: Vulnerability[]
    if (Array.isArray(value)) vulnerabilities = fromV1(value, context)
    else if (isObject(value) && isObject(value.report_meta)) vulnerabilities = fromCheck(value, context)
    else if (isObject(value) && isObject(value.meta) && value.meta.schema_version === '3.0') vulnerabilities = fromScan(value, context)
    else return toolError('safety', output, 'safety printed JSON cicd does not recognise')
    return {kind: 'findings', findings: vulnerabilities.map(toFinding)}
  },
  versionArgv: ['--version'],
  // "safety, version 3.2.0"
  parseVersion: (output) => matchVersion(output, /version (\S+)/),
}
