// Parity: `cicd check --phase static` reports exactly what each tool reports when run directly over the
// same files with the same configuration; batching and parallel runs change nothing, pylint's
// cross-module messages included.
import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {STATIC_CHECKS} from '../../../src/checks/registry.js'
import type {Finding} from '../../../src/checks/types.js'
import {loadConfig} from '../../../src/config/load.js'
import {compareFindings, TOOL_ENV} from '../../../src/pipeline/execute-check.js'
import {runCli} from '../../helpers/cli.js'
import {createTempRepo, EXAMPLE_PLATFORM, type TempRepo} from '../../helpers/repo.js'
import {generateSyntheticRepo} from '../../helpers/synthetic-repo.js'

const TOOLS = ['flake8', 'pylint', 'black', 'isort', 'bandit'] as const

interface CheckJson {
  id: string
  status: string
  findings: Finding[]
}

async function cicdFindings(dir: string): Promise<Map<string, CheckJson>> {
  const result = await runCli(['check', '--phase', 'static', '--runner', 'local', '--skip', 'safety', '--json', '--cwd', dir])
  expect(result.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/) // no stack trace
  expect([0, 1]).toContain(result.exitCode)
  const document = JSON.parse(result.stdout) as {phases: {checks: CheckJson[]}[]}
  return new Map(document.phases.flatMap((p) => p.checks).map((c) => [c.id, c]))
}

async function directFindings(dir: string, tool: (typeof TOOLS)[number]): Promise<Finding[]> {
  const {stdout} = await execa('git', ['ls-files', '-z', '--', '*.py'], {cwd: dir})
  const files = stdout.split('\0').filter(Boolean).sort()
  const definition = STATIC_CHECKS.find((d) => d.id === tool)!
  // The same configuration: the repository's own tool files (read by the tool) and its cicd settings.
  const {config} = await loadConfig({root: dir})
  const [name, ...args] = definition.argv(files, {args: config.checks[tool].args})
  const started = performance.now()
  const output = await execa(`/usr/bin/${name}`, args, {cwd: dir, env: TOOL_ENV, reject: false, stdin: 'ignore', stripFinalNewline: false})
  const parsed = definition.parse(
    {stdout: output.stdout, stderr: output.stderr, exitCode: output.exitCode ?? -1, durationMs: performance.now() - started},
    {root: dir},
  )
  if (parsed.kind === 'error') throw new Error(`${tool} failed when run directly: ${parsed.message}`)
  return [...parsed.findings].sort(compareFindings)
}

/**
 * Everything a finding says. The one exception is the text of pylint's duplicate-code message: pylint
 * quotes the similar lines it found, and which lines it quotes varies between two runs of the same pylint
 * on the same files (seen with PYTHONHASHSEED fixed); where it reports them does not.
 */
function comparable(finding: Finding): Finding {
  return finding.rule === 'duplicate-code' ? {...finding, message: ''} : finding
}

describe('static phase parity with the tools run directly', () => {
  let example: TempRepo
  let generated: TempRepo

  beforeAll(async () => {
    example = await createTempRepo({from: EXAMPLE_PLATFORM})
    // Deliberate problems, one or more per tool, in the example platform.
    await example.write(
      'src/problems.py',
      [
        'import sys',
        'import os',
        'import subprocess',
        '',
        '',
        'def run(cmd):',
        '    x = 1',
        '    return subprocess.call(cmd, shell=True)',
        '',
        '',
        `def long_line():\n    return "${'y'.repeat(130)}"`,
        '',
        'def   badly_formatted( a,b ):',
        '    return a+b',
        '',
      ].join('\n'),
    )
    await example.commitAll('problems')

    generated = await createTempRepo({prefix: 'cicd-generated-'})
    await generateSyntheticRepo(generated.dir, {modules: 55, withFindings: true})
    await generated.commitAll('generated')
  })

  afterAll(async () => {
    await example?.remove()
    await generated?.remove()
  })

  for (const which of ['example', 'generated'] as const) {
    it(`reports the same files, lines, rules and counts as each tool run directly (${which})`, async () => {
      const repo = which === 'example' ? example : generated
      const cicd = await cicdFindings(repo.dir)
      let total = 0
      for (const tool of TOOLS) {
        const direct = await directFindings(repo.dir, tool)
        const ours = cicd.get(tool)
        expect(ours, `${tool} ran`).toBeDefined()
        expect(ours!.status, `${tool} status`).not.toBe('error')
        expect(ours!.findings.map(comparable), `${tool} findings`).toEqual(direct.map(comparable))
        total += direct.length
      }
      expect(total).toBeGreaterThan(5)
      if (which === 'generated') {
        const rules = new Set(cicd.get('pylint')!.findings.map((f) => f.rule))
        expect(rules).toContain('cyclic-import')
        expect(rules).toContain('duplicate-code')
      }
    })
  }

  it('counts flake8 findings like flake8 itself (one line per violation)', async () => {
    const {stdout} = await execa('/usr/bin/flake8', ['.'], {cwd: example.dir, reject: false})
    const lines = stdout.split('\n').filter(Boolean)
    const cicd = await cicdFindings(example.dir)
    expect(cicd.get('flake8')!.findings).toHaveLength(lines.length)
    expect(lines.some((l) => l.startsWith('./src/problems.py:1:1: F401'))).toBe(true)
  })
})
