// A month of one environment's history with every value computed by hand (see the comments), shared by the
// metrics unit tests and the renderers' tests.
import type {LedgerEntry} from '../../../src/ledger/entry.js'
import type {MetricsInput} from '../../../src/metrics/records.js'

export const NOW = Date.parse('2026-03-31T00:00:00Z')
export const at = (iso: string) => Date.parse(`${iso}Z`)
const MIN = 60_000

export function run(startedAt: string, overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    v: 1,
    id: `run-${startedAt}-${overrides.where ?? 'ci'}`,
    startedAt: `${startedAt}Z`,
    durationMs: 50 * MIN,
    ok: true,
    exitCode: 0,
    where: 'ci',
    branch: 'develop',
    commit: 'abc1234',
    runner: 'container',
    phases: ['static', 'test'],
    checks: [],
    findings: {error: 0, warning: 0, note: 0},
    coverage: null,
    pylintScore: null,
    security: null,
    ...overrides,
  }
}

/**
 * Window 2026-03-01..03-31 (30 days); the previous window is 01-30..03-01.
 * Builds (CI only): 4 in the window, 3 passed → 75 %; durations 50, 60, 70, 40 min → 55 min.
 *   Coverage and pylint: the newest CI run that has them → 78.5 %, 8.2. Security: 4/5 + 5/5 + 5/5 = 14/15 → 93.33 %.
 *   The two local runs (one failed, 2 h long) are not builds.
 * Deployments in the window: #2 ok, #3 ok then rolled back, #4 failed, #5 ok; #6 still deploying (not counted).
 *   Frequency 3/mo, success 3/4 = 75 %, change failure rate 2/4 = 50 % (#3 has two incidents, counts once).
 *   Failures: #3 from incident 2 (09:30, the earliest linked) to rollback 1's end (10:20) = 50 min;
 *   #4 from incident 3 (14:05) to rollback 2's end (14:15) = 10 min → MTTR 30 min.
 *   Lead times: #2 24 h and 12 h, #3 24 h, #5 12 h and 48 h → median 24 h.
 * Probes: 995 of 1000 passed → 99.5 % (not above the 99.5 % target).
 * Previous window: one CI build (passed, 30 min), deployment #1 → 1/mo, 100 %, 0 %; 10 probes, all passed.
 */
export function scenario(): MetricsInput {
  const probes = [
    ...Array.from({length: 1000}, (_, i) => ({at: at('2026-03-02T00:00:00') + i * 60_000, ok: i >= 5})),
    ...Array.from({length: 10}, (_, i) => ({at: at('2026-02-10T00:00:00') + i * 60_000, ok: true})),
  ]
  return {
    environment: 'production',
    runs: [
      run('2026-02-15T10:00:00', {durationMs: 30 * MIN, coverage: 71, pylintScore: 7.5, security: {passed: 5, total: 5, basis: 'gates'}}),
      run('2026-03-02T10:00:00', {durationMs: 50 * MIN, coverage: 75, pylintScore: 8.0, security: {passed: 4, total: 5, basis: 'gates'}}),
      run('2026-03-05T10:00:00', {durationMs: 60 * MIN, security: {passed: 5, total: 5, basis: 'gates'}}),
      run('2026-03-09T10:00:00', {durationMs: 70 * MIN, ok: false, exitCode: 1}),
      run('2026-03-20T10:00:00', {durationMs: 40 * MIN, coverage: 78.5, pylintScore: 8.2, security: {passed: 5, total: 5, basis: 'gates'}}),
      run('2026-03-21T10:00:00', {where: 'local', ok: false, exitCode: 1, durationMs: 120 * MIN, coverage: 10, pylintScore: 2}),
      run('2026-03-22T10:00:00', {where: 'hook', durationMs: 1 * MIN}),
    ],
    deployments: [
      {id: 1, version: 'v1', status: 'verified', createdAt: at('2026-02-20T09:50:00'), finishedAt: at('2026-02-20T10:00:00'), deployedAt: at('2026-02-20T10:00:00')},
      {id: 2, version: 'v2', status: 'verified', createdAt: at('2026-03-03T11:50:00'), finishedAt: at('2026-03-03T12:00:00'), deployedAt: at('2026-03-03T12:00:00')},
      // finishedAt moved to the rollback's end when its status became rolled-back; deployedAt keeps the deploy.
      {id: 3, version: 'v3', status: 'rolled-back', createdAt: at('2026-03-10T08:50:00'), finishedAt: at('2026-03-10T10:20:00'), deployedAt: at('2026-03-10T09:00:00')},
      {id: 4, version: 'v4', status: 'failed', createdAt: at('2026-03-15T14:00:00'), finishedAt: at('2026-03-15T14:05:00'), deployedAt: null},
      {id: 5, version: 'v5', status: 'verified', createdAt: at('2026-03-20T07:50:00'), finishedAt: at('2026-03-20T08:00:00'), deployedAt: at('2026-03-20T08:00:00')},
      {id: 6, version: 'v6', status: 'deploying', createdAt: at('2026-03-30T12:00:00'), finishedAt: null, deployedAt: null},
    ],
    rollbacks: [
      {id: 101, status: 'succeeded', startedAt: at('2026-03-10T10:00:00'), finishedAt: at('2026-03-10T10:20:00'), currentId: 3},
      {id: 102, status: 'succeeded', startedAt: at('2026-03-15T14:05:00'), finishedAt: at('2026-03-15T14:15:00'), currentId: 4},
    ],
    incidents: [
      {id: 1, runId: 101, openedAt: at('2026-03-10T10:00:00'), closedAt: at('2026-03-10T10:20:00')},
      {id: 2, runId: null, openedAt: at('2026-03-10T09:30:00'), closedAt: null},
      {id: 3, runId: 102, openedAt: at('2026-03-15T14:05:00'), closedAt: at('2026-03-15T14:15:00')},
    ],
    probes,
    commitTimes: new Map([
      [1, [at('2026-02-19T10:00:00')]],
      [2, [at('2026-03-02T12:00:00'), at('2026-03-03T00:00:00')]],
      [3, [at('2026-03-09T09:00:00')]],
      [5, [at('2026-03-19T20:00:00'), at('2026-03-18T08:00:00')]],
    ]),
  }
}
