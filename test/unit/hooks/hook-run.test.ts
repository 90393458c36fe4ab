import {describe, expect, it} from 'vitest'

import type {Finding} from '../../../src/checks/types.js'
import {CleanupStack} from '../../../src/lifecycle/cleanup.js'
import type {RunResult} from '../../../src/pipeline/result.js'
import {policySchema, type PolicyConfig} from '../../../src/policy/schema.js'
import type {VerdictKey, VerdictStore} from '../../../src/hooks/verdicts.js'
import {runPrePush, VerdictMiss, type HookCheckOptions} from '../../../src/services/hook-run.js'
import {fakeGit, recordingTerminal, type FakeGitState} from './fakes.js'

const ZERO = '0'.repeat(40)
const sha = (c: string) => c.repeat(40)
const [A, B, C, D] = [sha('a'), sha('b'), sha('c'), sha('d')]

function runResult(findings: Finding[] = []): RunResult {
  const failed = findings.length > 0
  return {
    ok: !failed,
    exitCode: failed ? 1 : 0,
    durationMs: 10,
    runner: 'local',
    root: '/tmp/x',
    startedAt: new Date(0).toISOString(),
    phases: [
      {
        id: 'static',
        status: failed ? 'failed' : 'passed',
        durationMs: 10,
        checks: [{id: 'flake8', tool: 'flake8', phase: 'static', status: failed ? 'failed' : 'passed', cached: false, durationMs: 10, findings, gate: 'block'}],
      },
    ],
  }
}

const F401: Finding = {tool: 'flake8', rule: 'F401', severity: 'error', file: 'pkg/a.py', line: 1, column: 1, message: "'os' imported but unused"}

/** A verdict store in memory: what was remembered, and what it answers. */
function memoryVerdicts() {
  const passed = new Map<string, string>()
  const remembered: VerdictKey[] = []
  const store: VerdictStore = {
    passedAt: async (key) => passed.get(JSON.stringify(key)),
    remember: async (key) => {
      remembered.push(key)
      passed.set(JSON.stringify(key), '2026-11-26T12:00:00.000Z')
      return true
    },
  }
  return {store, remembered}
}

function setup(
  state: FakeGitState,
  options: {input?: string; skipEnv?: string; policy?: PolicyConfig; results?: RunResult[]; verdicts?: VerdictStore; onlyKnownVerdicts?: boolean} = {},
) {
  const git = fakeGit({remoteRefs: ['refs/remotes/origin/main'], ...state})
  const checks: HookCheckOptions[] = []
  const results = [...(options.results ?? [])]
  const out = recordingTerminal()
  const cleanup = new CleanupStack()
  const run = () =>
    runPrePush({
      git: git.api,
      remote: 'origin',
      url: '/srv/remote.git',
      input: 'input' in options ? options.input : '',
      skipEnv: options.skipEnv,
      check: async (checkOptions) => {
        checks.push(checkOptions)
        return results.shift() ?? runResult()
      },
      loadPolicy: async () => options.policy,
      tempDir: '/tmp',
      bin: 'cicd',
      cleanup,
      terminal: out.terminal,
      cicdVersion: '0.0.0-test',
      verdicts: options.verdicts,
      onlyKnownVerdicts: options.onlyKnownVerdicts,
    })
  return {git, checks, out, cleanup, run}
}

describe('runPrePush: what is checked', () => {
  it('checks a new feature branch on the Python files its new commits touch, in a temporary worktree', async () => {
    const {git, checks, cleanup, run} = setup(
      {commits: [A], newCommits: {[A]: [A]}, touched: {[A]: ['pkg/a.py', 'README.md']}},
      {input: `refs/heads/feature/x ${A} refs/heads/feature/x ${ZERO}\n`},
    )
    const result = await run()
    expect(result.exitCode).toBe(0)
    expect(checks).toHaveLength(1)
    expect(checks[0]).toMatchObject({phases: ['static', 'test'], files: ['pkg/a.py'], output: 'silent'})
    expect(checks[0]!.cwd).toMatch(/^\/tmp\/cicd-pre-push-aaaaaaaaaa-/)
    expect(git.calls).toEqual([`add ${A}`, 'remove'])
    expect(cleanup.size).toBe(0)
  })

  it('checks the whole tree with the full set for a push to develop, diffing against the remote’s commit', async () => {
    const {checks, run} = setup(
      {commits: [A, B], ranges: {[`${B}..${A}`]: [A]}, diffs: {[`${B}..${A}`]: ['pkg/a.py']}},
      {input: `refs/heads/develop ${A} refs/heads/develop ${B}\n`},
    )
    await run()
    expect(checks[0]).toMatchObject({phases: ['static', 'test', 'build', 'scan']})
    expect(checks[0]).not.toHaveProperty('files')
  })

  it('checks two branches pushed at once, each under its own rule', async () => {
    const {checks, out, run} = setup(
      {commits: [A, B, C], newCommits: {[A]: [A]}, touched: {[A]: ['x.py']}, ranges: {[`${C}..${B}`]: [B]}},
      {input: `refs/heads/feature/x ${A} refs/heads/feature/x ${ZERO}\nrefs/heads/main ${B} refs/heads/main ${C}\n`},
    )
    const result = await run()
    expect(result.refs.map((ref) => [ref.update.remoteRef, ref.status, ref.policy?.rule])).toEqual([
      ['refs/heads/feature/x', 'passed', 'feature/*'],
      ['refs/heads/main', 'passed', 'main'],
    ])
    expect(checks.map((check) => check.phases.length)).toEqual([2, 4])
    expect(out.text()).toContain('feature/x → feature/x (new branch, 1 new commit)')
  })

  it('checks nothing for a deleted branch', async () => {
    const {checks, git, run} = setup({commits: [A]}, {input: `(delete) ${ZERO} refs/heads/old ${A}\n`})
    const result = await run()
    expect(result).toMatchObject({exitCode: 0, refs: [{status: 'unchecked', reason: 'deleted'}]})
    expect(checks).toHaveLength(0)
    expect(git.calls).toEqual([])
  })

  it('checks nothing when every pushed commit is already on a remote-tracking ref', async () => {
    const {checks, run} = setup({commits: [A], newCommits: {[A]: []}}, {input: `refs/heads/feature/y ${A} refs/heads/feature/y ${ZERO}\n`})
    expect((await run()).refs[0]).toMatchObject({status: 'unchecked', reason: 'nothing new'})
    expect(checks).toHaveLength(0)
  })

  it('checks nothing when the new commits change no Python file', async () => {
    const {checks, run} = setup(
      {commits: [A], newCommits: {[A]: [A]}, touched: {[A]: ['docs/index.md']}},
      {input: `refs/heads/feature/docs ${A} refs/heads/feature/docs ${ZERO}\n`},
    )
    expect((await run()).refs[0]).toMatchObject({status: 'unchecked', reason: 'no Python file changed'})
    expect(checks).toHaveLength(0)
  })

  it('checks a new tag’s new commits with the fallback rule', async () => {
    const {checks, run} = setup({commits: [A], newCommits: {[A]: [A]}, touched: {[A]: ['a.py']}}, {input: `refs/tags/v1 ${A} refs/tags/v1 ${ZERO}\n`})
    const result = await run()
    expect(result.refs[0]!.policy?.rule).toBe('default')
    expect(checks[0]!.files).toEqual(['a.py'])
  })

  it('uses the working tree itself when it is clean and at the pushed commit', async () => {
    const {git, checks, run} = setup(
      {commits: [A], head: A, clean: true, newCommits: {[A]: [A]}, touched: {[A]: ['a.py']}},
      {input: `refs/heads/feature/x ${A} refs/heads/feature/x ${ZERO}\n`},
    )
    await run()
    expect(checks[0]!.cwd).toBe('/repo')
    expect(git.calls).toEqual([])
  })

  it('materialises a commit pushed to two refs once', async () => {
    const {git, checks, run} = setup(
      {commits: [A], newCommits: {[A]: [A]}, touched: {[A]: ['a.py']}},
      {input: `refs/heads/feature/x ${A} refs/heads/feature/x ${ZERO}\nrefs/heads/feature/y ${A} refs/heads/feature/y ${ZERO}\n`},
    )
    await run()
    expect(checks).toHaveLength(2)
    expect(git.calls).toEqual([`add ${A}`, 'remove'])
  })
})

describe('runPrePush: content that already passed', () => {
  const input = `refs/heads/feature/x ${A} refs/heads/feature/x ${ZERO}\n`
  const state = {commits: [A], newCommits: {[A]: [A]}, touched: {[A]: ['pkg/a.py']}}

  it('remembers a pass under its tree, destination and files, and answers the same push again without checking', async () => {
    const verdicts = memoryVerdicts()
    const first = setup(state, {input, verdicts: verdicts.store})
    expect((await first.run()).exitCode).toBe(0)
    expect(verdicts.remembered).toEqual([{tree: `tree-of-${A}`, destination: 'refs/heads/feature/x', files: ['pkg/a.py'], skip: [], cicdVersion: '0.0.0-test'}])

    const again = setup(state, {input, verdicts: verdicts.store})
    const result = await again.run()
    expect(result.exitCode).toBe(0)
    expect(result.refs[0]).toMatchObject({status: 'passed', reason: 'already passed'})
    expect(again.checks).toHaveLength(0)
    expect(again.git.calls).toEqual([])
    expect(again.out.text()).toContain('passed at 2026-11-26T12:00:00.000Z with the same tools and settings; not checked again')
  })

  it('never remembers a failure', async () => {
    const verdicts = memoryVerdicts()
    const {run} = setup(state, {input, verdicts: verdicts.store, results: [runResult([F401])]})
    expect((await run()).exitCode).toBe(1)
    expect(verdicts.remembered).toEqual([])
  })

  it('on the fast path, stops at a ref it cannot answer, before any worktree or check', async () => {
    const {git, checks, run} = setup(state, {input, verdicts: memoryVerdicts().store, onlyKnownVerdicts: true})
    await expect(run()).rejects.toBeInstanceOf(VerdictMiss)
    expect(git.calls).toEqual([])
    expect(checks).toHaveLength(0)
  })
})

describe('runPrePush: the verdict', () => {
  it('blocks the push on a failure, shows the findings and the command that reproduces it', async () => {
    const line = `refs/heads/feature/x ${A} refs/heads/feature/x ${ZERO}`
    const {out, run} = setup({commits: [A], newCommits: {[A]: [A]}, touched: {[A]: ['pkg/a.py']}}, {input: `${line}\n`, results: [runResult([F401])]})
    const result = await run()
    expect(result.exitCode).toBe(1)
    expect(result.refs[0]!.status).toBe('failed')
    expect(out.text()).toContain("pkg/a.py:1:1  F401  'os' imported but unused")
    expect(out.text()).toContain(`Reproduce: printf '%s\\n' '${line}' | cicd hooks run pre-push origin /srv/remote.git`)
  })

  it('blocks when one of two refs fails, still checking both', async () => {
    const {checks, run} = setup(
      {commits: [A, B], newCommits: {[A]: [A], [B]: [B]}, touched: {[A]: ['a.py'], [B]: ['b.py']}},
      {input: `refs/heads/feature/a ${A} refs/heads/feature/a ${ZERO}\nrefs/heads/feature/b ${B} refs/heads/feature/b ${ZERO}\n`, results: [runResult([F401])]},
    )
    const result = await run()
    expect(result.exitCode).toBe(1)
    expect(result.refs.map((ref) => ref.status)).toEqual(['failed', 'passed'])
    expect(checks).toHaveLength(2)
  })

  it('refuses a direct push to a branch whose rule says so, pointing to the pull-request flow', async () => {
    const policy = policySchema.parse({rules: {main: {refuseDirectPush: true}}})
    const {checks, out, run} = setup({commits: [A, B], ranges: {[`${B}..${A}`]: [A]}}, {input: `refs/heads/main ${A} refs/heads/main ${B}\n`, policy})
    const result = await run()
    expect(result).toMatchObject({exitCode: 1, refs: [{status: 'refused'}]})
    expect(out.text()).toMatch(/refuses direct pushes to main/)
    expect(out.text()).toMatch(/pull request/)
    expect(checks).toHaveLength(0)
  })
})

describe('runPrePush: bypass', () => {
  it('CICD_SKIP=1 checks nothing and lets the push through', async () => {
    const {checks, git, out, run} = setup({commits: [A]}, {input: `refs/heads/main ${A} refs/heads/main ${ZERO}\n`, skipEnv: '1'})
    expect((await run()).exitCode).toBe(0)
    expect(checks).toHaveLength(0)
    expect(git.calls).toEqual([])
    expect(out.text()).toContain('CICD_SKIP=1')
  })

  it('CICD_SKIP=pylint,trivy passes those checks on as skipped', async () => {
    const {checks, run} = setup(
      {commits: [A], newCommits: {[A]: [A]}, touched: {[A]: ['a.py']}},
      {input: `refs/heads/feature/x ${A} refs/heads/feature/x ${ZERO}\n`, skipEnv: 'pylint,trivy'},
    )
    await run()
    expect(checks[0]!.skip).toEqual(['pylint', 'trivy'])
  })
})

describe('runPrePush: bad input', () => {
  it('refuses to read refs from a terminal, exit 2, saying what to run instead', async () => {
    const {run} = setup({commits: [A]}, {input: undefined})
    await expect(run()).rejects.toMatchObject({exitCode: 2, message: expect.stringContaining('stdin is a terminal')})
  })

  it('says where to run it when called outside a working tree, exit 2', async () => {
    const {run} = setup({top: '', commits: [A]}, {input: `refs/heads/main ${A} refs/heads/main ${ZERO}\n`})
    await expect(run()).rejects.toMatchObject({exitCode: 2, message: expect.stringContaining('inside the working tree')})
  })

  it('treats empty stdin as nothing to push', async () => {
    const {out, run} = setup({commits: [A]}, {input: ''})
    expect(await run()).toEqual({exitCode: 0, refs: []})
    expect(out.text()).toContain('nothing to check')
  })

  it('rejects a ref line whose commit is not in the repository, exit 2', async () => {
    const {git, run} = setup({commits: [A]}, {input: `refs/heads/x ${D} refs/heads/x ${ZERO}\n`})
    await expect(run()).rejects.toMatchObject({exitCode: 2, message: expect.stringContaining(`${D} that git says it is pushing`)})
    expect(git.calls).toEqual([])
  })

  it('says so when the repository has no commits', async () => {
    const {run} = setup({commits: []}, {input: `refs/heads/main ${A} refs/heads/main ${ZERO}\n`})
    await expect(run()).rejects.toMatchObject({exitCode: 2, message: expect.stringContaining('no commits yet')})
  })

  it('checks a push from a detached HEAD, naming it', async () => {
    const {checks, out, run} = setup({commits: [A], newCommits: {[A]: [A]}, touched: {[A]: ['a.py']}}, {input: `HEAD ${A} refs/heads/feature/x ${ZERO}\n`})
    expect((await run()).exitCode).toBe(0)
    expect(checks).toHaveLength(1)
    expect(out.text()).toContain(`detached HEAD ${A.slice(0, 10)} → feature/x`)
  })

  it('checks the whole tree when the remote has no tracking refs, and says why', async () => {
    const {checks, out, run} = setup({commits: [A], remoteRefs: [], newCommits: {[A]: [A]}}, {input: `refs/heads/feature/x ${A} refs/heads/feature/x ${ZERO}\n`})
    await run()
    expect(checks[0]).not.toHaveProperty('files')
    expect(out.text()).toContain('no remote-tracking refs')
  })

  it('checks the whole tree in a shallow clone whose new commits reach the shallow boundary', async () => {
    const {checks, out, run} = setup(
      {commits: [A, B], shallow: [B], newCommits: {[A]: [A, B]}, touched: {[A]: ['a.py']}},
      {input: `refs/heads/feature/x ${A} refs/heads/feature/x ${ZERO}\n`},
    )
    await run()
    expect(checks[0]).not.toHaveProperty('files')
    expect(out.text()).toContain('git fetch --unshallow')
  })

  it('falls back to the commits on no remote-tracking ref when the remote’s commit is unknown here', async () => {
    const {checks, out, run} = setup(
      {commits: [A], newCommits: {[A]: [A]}, touched: {[A]: ['a.py']}},
      {input: `refs/heads/feature/x ${A} refs/heads/feature/x ${C}\n`},
    )
    await run()
    expect(checks[0]!.files).toEqual(['a.py'])
    expect(out.text()).toContain('git fetch origin')
  })

  it('removes the temporary worktree when the check throws', async () => {
    const git = fakeGit({commits: [A], remoteRefs: ['refs/remotes/origin/main'], newCommits: {[A]: [A]}, touched: {[A]: ['a.py']}})
    const cleanup = new CleanupStack()
    await expect(
      runPrePush({
        git: git.api,
        remote: 'origin',
        url: 'u',
        input: `refs/heads/feature/x ${A} refs/heads/feature/x ${ZERO}\n`,
        skipEnv: undefined,
        check: async () => {
          throw new Error('tool crashed')
        },
        loadPolicy: async () => undefined,
        cicdVersion: '0.0.0-test',
        tempDir: '/tmp',
        bin: 'cicd',
        cleanup,
        terminal: recordingTerminal().terminal,
      }),
    ).rejects.toThrow('tool crashed')
    expect(git.worktrees.size).toBe(0)
    expect(cleanup.size).toBe(0)
  })
})
