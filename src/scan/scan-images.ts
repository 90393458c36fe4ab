// The scan phase: each built image handed to Trivy as a `docker save` archive in a temporary directory
// mounted read-only into the scanner container (never the Docker socket), the vulnerability database in a
// named volume, the repository's .trivyignore mounted and passed. Scans run one after another: Trivy's
// database cache allows one process at a time.
import {access, mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import type {ImageEngine, OneShotMount} from '../adapters/docker-images.js'
import type {ScanConfig} from '../config/sections/scan.js'
import {PrerequisiteError} from '../errors.js'
import type {CheckResult} from '../pipeline/result.js'
import {outputTail} from '../checks/tool-output.js'
import {FINDINGS_EXIT_CODE, readTrivyReport, SCANNER_PATHS, trivyArgv, vulnerabilityFinding, type Vulnerability} from './trivy.js'

export const SCAN_LABEL = 'dev.cicd.scan'

export interface ScanTarget {
  name: string
  /** The tag to save (NAME:local). */
  reference: string
  /** The Dockerfile that built it, relative to the repository root. */
  dockerfile: string
}

export interface ScanImagesOptions {
  engine: Pick<ImageEngine, 'imageId' | 'pull' | 'save' | 'runToCompletion'>
  root: string
  targets: ScanTarget[]
  config: ScanConfig
  /** Where the temporary archive directories go (os.tmpdir() by default). */
  tempRoot?: string
}

export interface ImageScanResult {
  name: string
  reference: string
  dockerfile: string
  status: 'scanned' | 'error'
  vulnerabilities: Vulnerability[]
  durationMs: number
  exitCode?: number
  error?: string
}

/** Throws PrerequisiteError when the scanner image is neither on the engine nor pullable. */
export async function ensureScanner(engine: Pick<ImageEngine, 'imageId' | 'pull'>, image: string): Promise<void> {
  if ((await engine.imageId(image)) !== undefined) return
  try {
    await engine.pull(image)
  } catch (error) {
    throw new PrerequisiteError(`The scanner image ${image} is not on this Docker engine and could not be pulled: ${(error as Error).message}`, [
      `Pull it where a registry is reachable (docker pull ${image}), then docker save / docker load it here`,
      'or set scan.image to a Trivy image this engine has',
      'or leave the scan out: cicd check --phase static --phase test --phase build',
    ], error)
  }
}

export async function scanImages(options: ScanImagesOptions): Promise<ImageScanResult[]> {
  await ensureScanner(options.engine, options.config.image)
  const ignoreFile = path.resolve(options.root, options.config.ignoreFile)
  const hasIgnoreFile = await access(ignoreFile).then(
    () => true,
    () => false,
  )
  const results: ImageScanResult[] = []
  for (const target of options.targets) results.push(await scanOne(target, options, hasIgnoreFile ? ignoreFile : undefined))
  return results
}

async function scanOne(target: ScanTarget, options: ScanImagesOptions, ignoreFile: string | undefined): Promise<ImageScanResult> {
  const started = performance.now()
  const base = {name: target.name, reference: target.reference, dockerfile: target.dockerfile}
  const elapsed = () => Math.round(performance.now() - started)
  const dir = await mkdtemp(path.join(options.tempRoot ?? os.tmpdir(), 'cicd-scan-'))
  try {
    const archive = `${target.name.replaceAll('/', '_')}.tar`
    await options.engine.save(target.reference, path.join(dir, archive))
    const mounts: OneShotMount[] = [
      {type: 'bind', source: dir, target: SCANNER_PATHS.input, readOnly: true},
      {type: 'volume', source: options.config.cacheVolume, target: SCANNER_PATHS.cache, readOnly: false},
      ...(ignoreFile ? [{type: 'bind' as const, source: ignoreFile, target: SCANNER_PATHS.ignoreFile, readOnly: true}] : []),
    ]
    const run = await options.engine.runToCompletion({
      image: options.config.image,
      cmd: trivyArgv({
        archive,
        severities: options.config.severities,
        ignoreUnfixed: options.config.ignoreUnfixed,
        offline: options.config.offline,
        ignoreFile: ignoreFile !== undefined,
      }),
      mounts,
      // Offline, the scanner needs no network at all; online it fetches its database.
      networkMode: options.config.offline ? 'none' : 'host',
      labels: {[SCAN_LABEL]: target.name},
      timeoutMs: options.config.timeoutSeconds * 1000,
    })
    if (run.timedOut) {
      return {...base, status: 'error', vulnerabilities: [], durationMs: elapsed(), error: `Trivy did not finish within ${options.config.timeoutSeconds} s (scan.timeoutSeconds) and was stopped`}
    }
    const output = {stdout: run.stdout, stderr: run.stderr, exitCode: run.exitCode, durationMs: run.durationMs}
    if (run.exitCode !== 0 && run.exitCode !== FINDINGS_EXIT_CODE) {
      const tail = outputTail(output)
      return {...base, status: 'error', exitCode: run.exitCode, vulnerabilities: [], durationMs: elapsed(), error: `Trivy failed (exit code ${run.exitCode})${tail ? `:\n${tail}` : ' and printed nothing'}`}
    }
    const read = readTrivyReport(run.stdout)
    if (!read.ok) return {...base, status: 'error', exitCode: run.exitCode, vulnerabilities: [], durationMs: elapsed(), error: read.message}
    return {...base, status: 'scanned', exitCode: run.exitCode, vulnerabilities: read.vulnerabilities, durationMs: elapsed()}
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

/** One check result per image ("scan:NAME"): vulnerabilities of the gated severities warn or block per scan.gate. */
export function scanCheckResult(result: ImageScanResult, config: Pick<ScanConfig, 'gate' | 'severities'>): CheckResult {
  const base = {id: `scan:${result.name}`, tool: 'trivy', phase: 'scan' as const, cached: false, durationMs: result.durationMs, gate: config.gate, exitCode: result.exitCode}
  if (result.status === 'error') return {...base, status: 'error', findings: [], reason: result.error}
  const gated = result.vulnerabilities.filter((v) => (config.severities as string[]).includes(v.severity))
  const findings = gated.map((v) => vulnerabilityFinding(v, result.reference, result.dockerfile))
  if (findings.length === 0) return {...base, status: 'passed', findings}
  const counts = config.severities.map((s) => `${gated.filter((v) => v.severity === s).length} ${s}`).join(', ')
  return {...base, status: config.gate === 'block' ? 'failed' : 'warned', findings, reason: `${result.reference}: ${counts}`}
}
