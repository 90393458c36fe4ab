import {readFileSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import type {OneShotResult, OneShotSpec} from '../../../src/adapters/docker-images.js'
import {scanSchema} from '../../../src/config/sections/scan.js'
import {PrerequisiteError} from '../../../src/errors.js'
import {scanCheckResult, scanImages} from '../../../src/scan/scan-images.js'
import {readTrivyReport, trivyArgv, vulnerabilityFinding} from '../../../src/scan/trivy.js'

const recorded = (file: string) => readFileSync(path.join(import.meta.dirname, '../../fixtures/tool-outputs/trivy', file), 'utf8')

function vulnerabilitiesOf(text: string) {
  const read = readTrivyReport(text)
  if (!read.ok) throw new Error(read.message)
  return read.vulnerabilities
}

describe('Trivy JSON reports (recorded real ones)', () => {
  it('reads target, package, installed and fixed versions, id, severity and title', () => {
    const vulnerabilities = vulnerabilitiesOf(recorded('pip.json.golden'))
    expect(vulnerabilities).toHaveLength(2)
    expect(vulnerabilities[0]).toMatchObject({target: 'requirements.txt', package: 'Werkzeug', installedVersion: '0.11', fixedVersion: '0.15.3', id: 'CVE-2019-14806', severity: 'HIGH'})
    expect(vulnerabilities[0].title).toMatch(/werkzeug/i)
  })

  it('reads a real image report where fixed versions and descriptions are missing', () => {
    const vulnerabilities = vulnerabilitiesOf(recorded('vulnflask-trivy-image.trimmed.json'))
    expect(vulnerabilities).toHaveLength(5)
    expect(vulnerabilities.filter((v) => v.fixedVersion === undefined)).toHaveLength(5)
    expect(new Set(vulnerabilities.map((v) => v.target))).toEqual(new Set(['vulnflask:latest (debian 13.1)', 'Python']))
  })

  it('treats a report without Results as nothing found, and an empty or foreign report as an error', () => {
    expect(readTrivyReport(recorded('alpine-39-skip.no-Results-key.json.golden'))).toMatchObject({ok: true, vulnerabilities: []})
    expect(readTrivyReport('')).toEqual({ok: false, message: 'Trivy wrote an empty report (no JSON at all)'})
    expect(readTrivyReport('{"SchemaVersion": 1}')).toMatchObject({ok: false, message: /SchemaVersion 1; cicd reads version 2/})
    expect(readTrivyReport('FATAL')).toMatchObject({ok: false, message: /not JSON/})
  })

  it('maps severities onto SARIF levels and names the Dockerfile that built the image', () => {
    const [critical] = vulnerabilitiesOf(recorded('alpine-39-high-critical.json.golden'))
    expect(vulnerabilityFinding(critical, 'spark:local', 'docker/spark/Dockerfile')).toMatchObject({
      tool: 'trivy',
      rule: 'CVE-2019-14697',
      severity: 'error',
      file: 'docker/spark/Dockerfile',
      line: 0,
      message: expect.stringMatching(/^CRITICAL musl 1\.1\.20-r4 \(fixed in 1\.1\.20-r5\) in spark:local \[/),
    })
  })
})

describe('the Trivy command line', () => {
  it('uses exit code 3 for findings, the cache directory, and the offline and ignore-file flags when asked', () => {
    const argv = trivyArgv({archive: 'spark.tar', severities: ['HIGH', 'CRITICAL'], ignoreUnfixed: true, offline: true, ignoreFile: true})
    expect(argv.slice(0, 5)).toEqual(['--cache-dir', '/cache', 'image', '--input', '/input/spark.tar'])
    expect(argv.join(' ')).toContain('--format json --exit-code 3 --severity HIGH,CRITICAL')
    expect(argv).toEqual(expect.arrayContaining(['--ignore-unfixed', '--ignorefile', '/config/.trivyignore', '--skip-db-update', '--offline-scan']))
    const online = trivyArgv({archive: 'a.tar', severities: ['CRITICAL'], ignoreUnfixed: false, offline: false, ignoreFile: false})
    expect(online.some((a) => a.startsWith('--skip') || a === '--ignorefile' || a === '--ignore-unfixed')).toBe(false)
  })
})

describe('scanning images through a fake engine', () => {
  const dirs: string[] = []
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, {recursive: true, force: true})))
  })

  async function setup(result: Partial<OneShotResult>, options: {ignoreFile?: boolean; scanner?: boolean} = {}) {
    const root = await mkdtemp(path.join(os.tmpdir(), 'cicd-scan-unit-'))
    dirs.push(root)
    if (options.ignoreFile) await writeFile(path.join(root, '.trivyignore'), 'CVE-2019-14697\n')
    const specs: OneShotSpec[] = []
    const saved: string[] = []
    const engine = {
      imageId: async (reference: string) => (reference.includes('trivy') && options.scanner === false ? undefined : 'sha256:x'),
      pull: async () => {
        throw new Error('no registry')
      },
      save: async (reference: string, file: string) => {
        saved.push(file)
        await writeFile(file, reference)
      },
      runToCompletion: async (spec: OneShotSpec) => {
        specs.push(spec)
        return {exitCode: 0, stdout: '', stderr: '', timedOut: false, durationMs: 5, ...result}
      },
    }
    return {root, engine, specs, saved}
  }

  const targets = [{name: 'spark', reference: 'spark:local', dockerfile: 'docker/spark/Dockerfile'}]

  it('mounts the archive directory read-only, the DB volume and .trivyignore, never the Docker socket, and removes the archive', async () => {
    const {root, engine, specs, saved} = await setup({exitCode: 3, stdout: recorded('alpine-39-high-critical.json.golden')}, {ignoreFile: true})
    const config = scanSchema.parse({})
    const [result] = await scanImages({engine, root, targets, config})
    expect(result).toMatchObject({status: 'scanned', exitCode: 3})
    expect(result.vulnerabilities).toHaveLength(2)
    const [spec] = specs
    expect(spec.image).toBe('aquasec/trivy:0.58.1')
    expect(spec.mounts).toEqual([
      {type: 'bind', source: path.dirname(saved[0]), target: '/input', readOnly: true},
      {type: 'volume', source: 'cicd-trivy-cache', target: '/cache', readOnly: false},
      {type: 'bind', source: path.join(root, '.trivyignore'), target: '/config/.trivyignore', readOnly: true},
    ])
    expect(JSON.stringify(spec)).not.toContain('docker.sock')
    expect(spec.cmd).toContain('/input/spark.tar')
    expect(spec.networkMode).toBe('host')
    await expect(import('node:fs/promises').then((fs) => fs.access(saved[0]))).rejects.toThrow()
    const check = scanCheckResult(result, config)
    expect(check).toMatchObject({id: 'scan:spark', status: 'warned', reason: 'spark:local: 0 HIGH, 2 CRITICAL'})
    expect(scanCheckResult(result, {...config, gate: 'block'}).status).toBe('failed')
  })

  it('runs offline without network', async () => {
    const {root, engine, specs} = await setup({stdout: recorded('alpine-39-skip.no-Results-key.json.golden')})
    const [result] = await scanImages({engine, root, targets, config: scanSchema.parse({offline: true})})
    expect(result).toMatchObject({status: 'scanned', vulnerabilities: []})
    expect(specs[0].networkMode).toBe('none')
    expect(specs[0].cmd).toContain('--skip-db-update')
  })

  it('reports a crash (exit 1), an empty report and a timeout as errors that say what happened', async () => {
    const crash = await setup({exitCode: 1, stderr: 'FATAL\tinit error: DB error: failed to download vulnerability DB'})
    const [crashed] = await scanImages({engine: crash.engine, root: crash.root, targets, config: scanSchema.parse({})})
    expect(crashed).toMatchObject({status: 'error', error: expect.stringMatching(/^Trivy failed \(exit code 1\):\nFATAL\tinit error/)})
    expect(scanCheckResult(crashed, scanSchema.parse({})).status).toBe('error')
    const empty = await setup({exitCode: 0, stdout: ''})
    expect((await scanImages({engine: empty.engine, root: empty.root, targets, config: scanSchema.parse({})}))[0].error).toMatch(/empty report/)
    const slow = await setup({exitCode: 137, timedOut: true})
    expect((await scanImages({engine: slow.engine, root: slow.root, targets, config: scanSchema.parse({timeoutSeconds: 5})}))[0].error).toMatch(/within 5 s \(scan.timeoutSeconds\)/)
  })

  it('fails with a prerequisite error when the scanner image is missing and cannot be pulled', async () => {
    const {root, engine} = await setup({}, {scanner: false})
    const error = await scanImages({engine, root, targets, config: scanSchema.parse({})}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PrerequisiteError)
    expect((error as PrerequisiteError).message).toMatch(/scanner image aquasec\/trivy:0.58.1 is not on this Docker engine and could not be pulled: no registry/)
  })
})
