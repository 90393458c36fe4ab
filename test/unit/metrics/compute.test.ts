import {describe, expect, it} from 'vitest'

import {computeMetrics, failuresOf, median} from '../../../src/metrics/compute.js'
import {metricsSchema} from '../../../src/metrics/schema.js'
import {parseWindow, windowsEndingAt} from '../../../src/metrics/window.js'
import {NOW, at, scenario} from './scenario.js'

const targets = metricsSchema.parse(undefined).targets
const windows = windowsEndingAt(NOW, parseWindow('30d'))
const byId = (input = scenario(), where = ['ci']) => Object.fromEntries(computeMetrics(input, windows, {targets, where}).metrics.map((m) => [m.id, m]))

describe('computeMetrics on the hand-computed scenario', () => {
  const m = byId()

  it('build metrics count CI runs only', () => {
    expect(m.buildSuccessRate.value).toBe(75)
    expect(m.avgBuildMinutes.value).toBe(55)
    expect(m.buildSuccessRate.basis).toBe('3 of 4 ci runs passed')
    expect(m.coverage.value).toBe(78.5)
    expect(m.codeQuality.value).toBe(8.2)
    expect(m.securityScore.value).toBeCloseTo((100 * 14) / 15, 10)
  })

  it('deployment metrics: frequency of successful deployments, success rate, median lead time', () => {
    expect(m.deploymentsPerMonth.value).toBe(3)
    expect(m.deploymentSuccessRate.value).toBe(75)
    expect(m.leadTimeHours.value).toBe(24)
  })

  it('change failure rate counts distinct deployments: two incidents about one deployment count once', () => {
    expect(m.changeFailureRate.value).toBe(50)
    expect(m.changeFailureRate.basis).toBe('2 of 4 deployments failed or were rolled back')
  })

  it('time to restore runs from the earliest linked incident (or the rollback) to the next verified release', () => {
    expect(m.mttrMinutes.value).toBe(30)
    const failures = failuresOf(scenario())
    expect(failures).toEqual([
      {deploymentId: 3, start: at('2026-03-10T09:30:00'), restoredAt: at('2026-03-10T10:20:00')},
      {deploymentId: 4, start: at('2026-03-15T14:05:00'), restoredAt: at('2026-03-15T14:15:00')},
    ])
  })

  it('availability from the health probes, and targets compared as the design states them', () => {
    expect(m.availability.value).toBe(99.5)
    expect(m.availability.met).toBe(false)
    expect(m.mttrMinutes.met).toBe(false)
    expect(m.coverage.met).toBe(true)
    expect(m.leadTimeHours.met).toBe(true)
    expect(m.deploymentsPerMonth.met).toBe(false)
  })

  it('trends against the previous window, and whether that is an improvement', () => {
    expect(m.buildSuccessRate.previous).toBe(100)
    expect(m.buildSuccessRate.trend).toBe('down')
    expect(m.buildSuccessRate.improving).toBe(false)
    expect(m.avgBuildMinutes.previous).toBe(30)
    expect(m.avgBuildMinutes.improving).toBe(false)
    expect(m.deploymentsPerMonth.previous).toBe(1)
    expect(m.deploymentsPerMonth.improving).toBe(true)
    expect(m.changeFailureRate.previous).toBe(0)
    expect(m.leadTimeHours.previous).toBe(24)
    expect(m.leadTimeHours.trend).toBe('flat')
    expect(m.mttrMinutes.previous).toBeNull()
    expect(m.mttrMinutes.trend).toBeNull()
  })

  it('counts local and hook runs only when configured to', () => {
    const all = byId(scenario(), ['ci', 'hook', 'local'])
    expect(all.buildSuccessRate.value).toBeCloseTo((100 * 4) / 6, 10)
    expect(all.codeQuality.value).toBe(2)
  })
})

describe('computeMetrics without data', () => {
  it('a window with no deployments: frequency 0, the rates have no value and say why', () => {
    const input = {...scenario(), deployments: [], rollbacks: [], incidents: []}
    const m = byId(input)
    expect(m.deploymentsPerMonth.value).toBe(0)
    expect(m.deploymentSuccessRate.value).toBeNull()
    expect(m.deploymentSuccessRate.met).toBeNull()
    expect(m.deploymentSuccessRate.basis).toBe('no deployments to production in the window')
    expect(m.mttrMinutes.basis).toBe('no failures of production in the window')
  })

  it('an unrestored failure is reported and left out of the mean', () => {
    const input = scenario()
    input.rollbacks[1] = {...input.rollbacks[1], status: 'escalated', finishedAt: null}
    input.deployments = input.deployments.filter((d) => d.id !== 5)
    const m = byId(input)
    expect(m.mttrMinutes.value).toBe(50)
    expect(m.mttrMinutes.basis).toBe('1 restored failure; 1 not restored yet')
  })
})

describe('windows', () => {
  it('parses durations and refuses anything else with exit 2', () => {
    expect(parseWindow('30d')).toBe(30 * 86_400_000)
    expect(parseWindow('2w')).toBe(14 * 86_400_000)
    expect(parseWindow('90m')).toBe(90 * 60_000)
    expect(() => parseWindow('0d')).toThrow(/not a duration/)
    expect(() => parseWindow('month')).toThrow(expect.objectContaining({exitCode: 2}))
  })

  it('median of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBeNull()
  })
})
