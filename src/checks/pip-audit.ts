// pip-audit `-f json -r <file>…`: pip-audit >= 2.0 prints {dependencies, fixes}, older releases a bare array
// of dependencies. Each vulnerability of a dependency is a warning (pip-audit gives no severity) whose rule
// is its id (PYSEC-, GHSA- or CVE-) with the aliases and fixed versions in the message. Skipped
// dependencies (editable, unpinned) are not vulnerabilities and are not reported.
// Exit code 1 means vulnerabilities AND every fatal error (network, resolution), so rc 1 without a JSON
// report is a crash.
import type {ParseContext, CheckDefinition, Finding, ParseResult} from './types.js'
import {requirementArgs, requirementFile, shortAdvisory} from './requirements.js'
import {matchVersion, readJsonReport, toolError} from './tool-output.js'

interface AuditedVulnerability {
  id: string
  fix_versions?: string[]
  aliases?: string[]
  description?: string
}

interface AuditedDependency {
  name: string
  version?: string
  vulns?: AuditedVulnerability[]
}

function dependenciesOf(report: unknown): AuditedDependency[] | undefined {
  if (Array.isArray(report)) return report as AuditedDependency[]
  const wrapped = report as {dependencies?: unknown} | null
  return wrapped !== null && typeof wrapped === 'object' && Array.isArray(wrapped.dependencies)
    ? (wrapped.dependencies as AuditedDependency[])
    : undefined
}

function describe(dependency: AuditedDependency, vulnerability: AuditedVulnerability): string {
  const aliases = vulnerability.aliases?.length ? ` (${vulnerability.aliases.join(', ')})` : ''
  const fix = vulnerability.fix_versions?.length ? `fixed in ${vulnerability.fix_versions.join(', ')}` : 'no fixed version yet'
  const description = vulnerability.description ? `: ${shortAdvisory(vulnerability.description)}` : ''
  return `${dependency.name} ${dependency.version} has a known vulnerability${aliases}, ${fix}${description}`
}

export const pipAudit: CheckDefinition = {
  id: 'pip-audit',
  tool: 'pip-audit',
  phase: 'static',
  inputs: 'requirements',
  fileLocal: false,
  configFiles: ['pyproject.toml'],
  argv(files, settings) {
    return ['pip-audit', '-f', 'json', ...settings.args, ...requirementArgs(files, settings)]
  },
  parse(output, context: ParseContext): ParseResult {
    if (output.exitCode !== 0 && output.exitCode !== 1) return toolError('pip-audit', output)
    const report = readJsonReport(output.stdout)
    const dependencies = report.ok ? dependenciesOf(report.value) : undefined
    if (!dependencies) return toolError('pip-audit', output, `pip-audit exited with code ${output.exitCode} and printed no JSON report`)
    const file = requirementFile(context)
    const findings: Finding[] = dependencies.flatMap((dependency) =>
      (dependency.vulns ?? []).map((vulnerability) => ({
        tool: 'pip-audit',
        rule: vulnerability.id,
        severity: 'warning' as const,
        file,
        line: 0,
        column: 0,
        message: describe(dependency, vulnerability),
      })),
    )
    return {kind: 'findings', findings}
  },
  versionArgv: ['--version'],
  // "pip-audit 2.7.3"
  parseVersion: (output) => matchVersion(output, /^pip-audit (\S+)/m),
}
