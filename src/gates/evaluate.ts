// The five security gates of the design documents, each pass, warn or block with its reasons:
// 1 code security (Bandit, hard-coded secrets), 2 dependencies (Safety or pip-audit, pinning, licenses),
// 3 containers (Trivy, base-image policy), 4 access control and 5 compliance (evaluated by deploys, so not
// applicable to a local check). A gate whose inputs did not run (its phase was not selected) is "skipped".
import {parseReference, type BaseImage} from '../build/dockerfile.js'
import type {Finding} from '../checks/types.js'
import type {GatesConfig} from '../config/sections/gates.js'
import type {CheckResult} from '../pipeline/result.js'
import type {Requirement} from './requirements.js'

export type GateStatus = 'pass' | 'warn' | 'block' | 'skipped' | 'not-applicable'

export interface GateResult {
  number: 1 | 2 | 3 | 4 | 5
  id: 'code-security' | 'dependencies' | 'containers' | 'access-control' | 'compliance'
  title: string
  status: GateStatus
  reasons: string[]
}

export interface GateInputs {
  /** Every check result of the run (bandit, safety/pip-audit, scan:*). */
  checks: CheckResult[]
  /** Hard-coded secrets found in the tracked files; undefined when not looked for. */
  secrets?: Finding[]
  /** The requirements read from the requirement files; undefined when none were read. */
  requirements?: Requirement[]
  /** License by package (null: no license in the metadata); undefined when not read. */
  licenses?: Record<string, string | null>
  /** The base images of each built image; undefined when the build phase did not run. */
  images?: {name: string; dockerfile: string; baseImages: BaseImage[]}[]
  config: GatesConfig
}

const MAX_LISTED = 5

function listed(items: string[]): string {
  const shown = items.slice(0, MAX_LISTED).join(', ')
  return items.length > MAX_LISTED ? `${shown} and ${items.length - MAX_LISTED} more` : shown
}

/** Problems decide the status: none passes, any takes the gate's configured effect. */
function verdict(problems: string[], notes: string[], evaluated: boolean, gate: 'block' | 'warn'): {status: GateStatus; reasons: string[]} {
  if (!evaluated) return {status: 'skipped', reasons: notes}
  if (problems.length === 0) return {status: 'pass', reasons: notes}
  return {status: gate, reasons: [...problems, ...notes]}
}

function checkPart(check: CheckResult | undefined, label: string, problems: string[], notes: string[]): boolean {
  if (!check || check.status === 'skipped') {
    notes.push(`${label} did not run${check?.reason ? ` (${check.reason})` : ''}`)
    return false
  }
  if (check.status === 'error') {
    problems.push(`${label} could not give a verdict: ${(check.reason ?? 'it failed').split('\n')[0]}`)
    return true
  }
  if (check.findings.length > 0) {
    const bySeverity = (['error', 'warning', 'note'] as const).map((s) => [s, check.findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0)
    problems.push(`${label}: ${check.findings.length} finding${check.findings.length === 1 ? '' : 's'} (${bySeverity.map(([s, n]) => `${n} ${s}`).join(', ')})`)
  } else {
    notes.push(`${label}: no findings`)
  }
  return true
}

function codeSecurity(inputs: GateInputs): GateResult {
  const problems: string[] = []
  const notes: string[] = []
  let evaluated = checkPart(inputs.checks.find((c) => c.id === 'bandit'), 'Bandit', problems, notes)
  if (inputs.config.codeSecurity.secrets && inputs.secrets !== undefined) {
    evaluated = true
    if (inputs.secrets.length > 0) {
      problems.push(`${inputs.secrets.length} possible hard-coded secret${inputs.secrets.length === 1 ? '' : 's'}: ${listed(inputs.secrets.map((f) => `${f.file}:${f.line} (${f.rule})`))}`)
    } else {
      notes.push('no hard-coded secrets in the tracked files')
    }
  }
  return {number: 1, id: 'code-security', title: 'Code security', ...verdict(problems, notes, evaluated, inputs.config.codeSecurity.gate)}
}

function dependencies(inputs: GateInputs): GateResult {
  const problems: string[] = []
  const notes: string[] = []
  const audit = inputs.checks.find((c) => c.id === 'safety' || c.id === 'pip-audit')
  let evaluated = checkPart(audit, audit?.tool === 'pip-audit' ? 'pip-audit' : 'Safety', problems, notes)
  const {requirePinned, allowedLicenses, gate} = inputs.config.dependencies
  if (inputs.requirements !== undefined) {
    evaluated = true
    const unpinned = inputs.requirements.filter((r) => !r.pinned)
    if (requirePinned && unpinned.length > 0) {
      problems.push(`${unpinned.length} requirement${unpinned.length === 1 ? ' is' : 's are'} not pinned with ==: ${listed(unpinned.map((r) => `${r.name}${r.specifier ? ` ${r.specifier}` : ''} (${r.file}:${r.line})`))}`)
    } else if (requirePinned) {
      notes.push(`all ${inputs.requirements.length} requirements are pinned`)
    }
  }
  if (allowedLicenses.length > 0 && inputs.licenses !== undefined && inputs.requirements !== undefined) {
    const allowed = new Set(allowedLicenses.map((l) => l.toLowerCase()))
    const names = [...new Set(inputs.requirements.map((r) => r.name))]
    const disallowed = names.filter((n) => inputs.licenses![n] != null && !allowed.has(inputs.licenses![n]!.toLowerCase()))
    const unknown = names.filter((n) => inputs.licenses![n] == null)
    if (disallowed.length > 0) problems.push(`license not in gates.dependencies.allowedLicenses: ${listed(disallowed.map((n) => `${n} (${inputs.licenses![n]})`))}`)
    if (unknown.length > 0) notes.push(`license unknown (not installed or not declared): ${listed(unknown)}`)
  }
  return {number: 2, id: 'dependencies', title: 'Dependencies', ...verdict(problems, notes, evaluated, gate)}
}

function containers(inputs: GateInputs): GateResult {
  const problems: string[] = []
  const notes: string[] = []
  const scans = inputs.checks.filter((c) => c.phase === 'scan')
  let evaluated = false
  for (const scan of scans) evaluated = checkPart(scan, `Trivy ${scan.id.replace(/^scan:/, '')}`, problems, notes) || evaluated
  if (scans.length === 0) notes.push('no image was scanned (the scan phase did not run)')
  const {allowLatest, allowedRegistries, gate} = inputs.config.containers
  if (inputs.images !== undefined) {
    evaluated = true
    for (const image of inputs.images) {
      for (const base of image.baseImages) {
        const reference = parseReference(base.reference)
        const where = `${image.dockerfile}:${base.line}`
        if (!allowLatest && !reference.digest && (reference.tag === undefined || reference.tag === 'latest')) {
          problems.push(`${where}: base image ${base.reference} is not pinned to a version (no tag or "latest")`)
        }
        if (allowedRegistries.length > 0 && !allowedRegistries.includes(reference.registry)) {
          problems.push(`${where}: base image ${base.reference} comes from ${reference.registry}, not from ${allowedRegistries.join(', ')} (gates.containers.allowedRegistries)`)
        }
      }
    }
    if (!problems.some((p) => p.includes('base image'))) notes.push('base images follow the policy')
  }
  return {number: 3, id: 'containers', title: 'Containers', ...verdict(problems, notes, evaluated, gate)}
}

export function evaluateGates(inputs: GateInputs): GateResult[] {
  return [
    codeSecurity(inputs),
    dependencies(inputs),
    containers(inputs),
    {
      number: 4,
      id: 'access-control',
      title: 'Access control',
      status: 'not-applicable',
      reasons: ['evaluated by deploys (RBAC, secrets management, network policies), not by a local check'],
    },
    {
      number: 5,
      id: 'compliance',
      title: 'Compliance',
      status: 'not-applicable',
      reasons: ['evaluated by deploys to production (audit logging, encryption at rest, verified backups), not by a local check'],
    },
  ]
}

/** True when a gate blocks: the run exits 1. */
export function gatesBlock(gates: GateResult[]): boolean {
  return gates.some((gate) => gate.status === 'block')
}
