// Trivy's side of the scan phase: the command line cicd runs in the scanner container, and the reader of
// its JSON report (SchemaVersion 2). Go's omitempty means absent keys, not empty arrays: a report with
// nothing to say has no Results key at all. `--exit-code 3` (not 1) keeps findings apart from crashes,
// because every fatal error exits 1.
import type {Finding, Severity} from '../checks/types.js'

export const FINDINGS_EXIT_CODE = 3

/** Where the scanner container sees things. */
export const SCANNER_PATHS = {input: '/input', cache: '/cache', ignoreFile: '/config/.trivyignore'} as const

export interface TrivyArgvOptions {
  /** The archive's file name inside SCANNER_PATHS.input. */
  archive: string
  severities: string[]
  ignoreUnfixed: boolean
  offline: boolean
  /** True when the repository's ignore file is mounted at SCANNER_PATHS.ignoreFile. */
  ignoreFile: boolean
}

/** The arguments after the scanner image's entrypoint (`trivy`); the report goes to stdout, logs to stderr. */
export function trivyArgv(options: TrivyArgvOptions): string[] {
  return [
    '--cache-dir',
    SCANNER_PATHS.cache,
    'image',
    '--input',
    `${SCANNER_PATHS.input}/${options.archive}`,
    '--format',
    'json',
    '--exit-code',
    String(FINDINGS_EXIT_CODE),
    '--severity',
    options.severities.join(','),
    '--scanners',
    'vuln',
    '--list-all-pkgs=false',
    '--quiet',
    ...(options.ignoreUnfixed ? ['--ignore-unfixed'] : []),
    ...(options.ignoreFile ? ['--ignorefile', SCANNER_PATHS.ignoreFile] : []),
    ...(options.offline ? ['--skip-db-update', '--skip-java-db-update', '--offline-scan'] : []),
  ]
}

export type TrivySeverity = 'UNKNOWN' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL'

export interface Vulnerability {
  /** The Result's Target: the OS ("debian 12.5") or a lock file / package path. */
  target: string
  package: string
  installedVersion: string
  /** Absent when no fixed version is known. */
  fixedVersion?: string
  id: string
  severity: TrivySeverity
  title?: string
  url?: string
}

export type TrivyRead = {ok: true; artifact?: string; vulnerabilities: Vulnerability[]} | {ok: false; message: string}

const SEVERITIES = new Set<string>(['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'])

interface RawVulnerability {
  VulnerabilityID?: unknown
  PkgName?: unknown
  InstalledVersion?: unknown
  FixedVersion?: unknown
  Severity?: unknown
  Title?: unknown
  PrimaryURL?: unknown
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined)

export function readTrivyReport(report: string): TrivyRead {
  if (report.trim() === '') return {ok: false, message: 'Trivy wrote an empty report (no JSON at all)'}
  let document: unknown
  try {
    document = JSON.parse(report)
  } catch (error) {
    return {ok: false, message: `Trivy's report is not JSON: ${(error as Error).message}`}
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return {ok: false, message: "Trivy's report is not a JSON object"}
  }
  const {SchemaVersion, Results, ArtifactName} = document as {SchemaVersion?: unknown; Results?: unknown; ArtifactName?: unknown}
  if (SchemaVersion !== 2) {
    return {ok: false, message: `Trivy's report has SchemaVersion ${JSON.stringify(SchemaVersion)}; cicd reads version 2 (Trivy 0.20 and later)`}
  }
  // No Results key: nothing to report (Go's omitempty).
  if (Results === undefined || Results === null) return {ok: true, artifact: text(ArtifactName), vulnerabilities: []}
  if (!Array.isArray(Results)) return {ok: false, message: "Trivy's report has a Results key that is not a list"}
  const vulnerabilities: Vulnerability[] = []
  for (const result of Results as {Target?: unknown; Vulnerabilities?: unknown}[]) {
    if (!Array.isArray(result?.Vulnerabilities)) continue
    for (const raw of result.Vulnerabilities as RawVulnerability[]) {
      const severity = String(raw.Severity ?? 'UNKNOWN').toUpperCase()
      const fixedVersion = text(raw.FixedVersion)
      const title = text(raw.Title)
      const url = text(raw.PrimaryURL)
      vulnerabilities.push({
        target: text(result.Target) ?? '',
        package: text(raw.PkgName) ?? '',
        installedVersion: text(raw.InstalledVersion) ?? '',
        ...(fixedVersion ? {fixedVersion} : {}),
        id: text(raw.VulnerabilityID) ?? 'unknown',
        severity: (SEVERITIES.has(severity) ? severity : 'UNKNOWN') as TrivySeverity,
        ...(title ? {title} : {}),
        ...(url ? {url} : {}),
      })
    }
  }
  return {ok: true, artifact: text(ArtifactName), vulnerabilities}
}

const LEVEL: Record<TrivySeverity, Severity> = {UNKNOWN: 'note', LOW: 'note', MEDIUM: 'warning', HIGH: 'error', CRITICAL: 'error'}

/**
 * A vulnerability as a finding about the Dockerfile that built the image (the file a developer changes to fix
 * it); the message carries the image, the target, the package and its versions, and the severity word.
 */
export function vulnerabilityFinding(vulnerability: Vulnerability, image: string, dockerfile: string): Finding {
  const fix = vulnerability.fixedVersion ? `fixed in ${vulnerability.fixedVersion}` : 'no fixed version'
  const title = vulnerability.title ? `: ${vulnerability.title}` : ''
  return {
    tool: 'trivy',
    rule: vulnerability.id,
    severity: LEVEL[vulnerability.severity],
    file: dockerfile,
    line: 0,
    column: 0,
    message: `${vulnerability.severity} ${vulnerability.package} ${vulnerability.installedVersion} (${fix}) in ${image} [${vulnerability.target}]${title}`,
  }
}
