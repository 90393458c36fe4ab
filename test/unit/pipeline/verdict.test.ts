import {describe, expect, it} from 'vitest'

import type {Finding} from '../../../src/checks/types.js'
import type {PhaseResult} from '../../../src/pipeline/result.js'
import {checkStatus, runExitCode, worstStatus} from '../../../src/pipeline/verdict.js'

const finding: Finding = {tool: 'flake8', rule: 'F401', severity: 'error', file: 'a.py', line: 1, column: 1, message: 'unused'}

const phase = (...statuses: PhaseResult['checks'][number]['status'][]): PhaseResult[] => [
  {
    id: 'static',
    status: worstStatus(statuses),
    durationMs: 1,
    checks: statuses.map((status, i) => ({id: `c${i}`, tool: 't', phase: 'static', status, cached: false, durationMs: 1, findings: [], gate: 'warn'})),
  },
]

describe('checkStatus', () => {
  it('passes with no findings', () => {
    expect(checkStatus([], 'block')).toEqual({status: 'passed'})
  })
  it('fails under a block gate and warns under a warn gate', () => {
    expect(checkStatus([finding], 'block').status).toBe('failed')
    expect(checkStatus([finding], 'warn').status).toBe('warned')
  })
  it('gates the pylint score on its own, with both numbers in the reason', () => {
    const verdict = checkStatus([], 'warn', {score: 6.5, failUnder: 7, gate: 'block'})
    expect(verdict.status).toBe('failed')
    expect(verdict.reason).toContain('6.50')
    expect(verdict.reason).toContain('7.00')
    expect(checkStatus([], 'block', {score: 7, failUnder: 7, gate: 'block'}).status).toBe('passed')
  })
  it('lets a blocking score win over warned findings', () => {
    expect(checkStatus([finding], 'warn', {score: 2, failUnder: 7, gate: 'block'}).status).toBe('failed')
  })
})

describe('runExitCode', () => {
  it('is 0 when checks only passed, warned or were skipped', () => {
    expect(runExitCode(phase('passed', 'warned', 'skipped'), false)).toBe(0)
  })
  it('is 1 when a check failed or crashed', () => {
    expect(runExitCode(phase('passed', 'failed'), false)).toBe(1)
    expect(runExitCode(phase('error'), false)).toBe(1)
  })
  it('is 3 when a tool was missing', () => {
    expect(runExitCode(phase('passed', 'error'), true)).toBe(3)
  })
  it('orders statuses from worst to best', () => {
    expect(worstStatus(['passed', 'warned'])).toBe('warned')
    expect(worstStatus(['warned', 'error', 'failed'])).toBe('error')
    expect(worstStatus([])).toBe('skipped')
  })
})
