import {readFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {formatPercent, readCoverageXml} from '../../../src/coverage/cobertura.js'
import {coverageVerdict} from '../../../src/coverage/gate.js'

const recorded = (file: string) => readFileSync(path.join(import.meta.dirname, '../../fixtures/tool-outputs/coverage', file), 'utf8')

function summaryOf(xml: string) {
  const read = readCoverageXml(xml)
  if (!read.ok) throw new Error(read.message)
  return read.summary
}

describe('coverage.xml totals on real reports', () => {
  it('computes the percentage from the line counts (coverage 7.5.1, attributes in insertion order)', () => {
    expect(summaryOf(recorded('confectioner-coverage-7.5.1.coverage.xml'))).toEqual({percent: 100, linesCovered: 285, linesValid: 285})
  })

  it('reads alphabetically ordered attributes (coverage 5)', () => {
    expect(summaryOf(recorded('coveragepy-gold-x_xml.coverage.xml')).percent).toBeCloseTo(66.6667, 3)
  })

  it('adds branches when they were measured, as coverage.py does', () => {
    expect(summaryOf(recorded('coveragepy-gold-y_xml_branch.coverage.xml'))).toEqual({percent: (5 / 7) * 100, linesCovered: 4, linesValid: 5, branchesCovered: 1, branchesValid: 2})
  })

  it('falls back to line-rate when the counts are missing, and says what is wrong with a broken file', () => {
    expect(summaryOf('<coverage line-rate="0.8817"/>').percent).toBeCloseTo(88.17, 6)
    expect(readCoverageXml('<nothing/>')).toEqual({ok: false, message: 'coverage.xml has no <coverage> root element'})
    expect(readCoverageXml('<coverage version="1"/>')).toMatchObject({ok: false, message: /neither lines-covered/})
  })

  it('formats with two decimals, as coverage report --precision=2', () => {
    expect(formatPercent((298 / 338) * 100)).toBe('88.17%')
  })
})

describe('coverage gate', () => {
  const summary = {percent: (60 / 90) * 100, linesCovered: 60, linesValid: 90}

  it('blocks under the threshold with both numbers in the message', () => {
    expect(coverageVerdict(summary, {threshold: 70, gate: 'block'})).toEqual({
      status: 'failed',
      reason: 'coverage 66.67% (60 of 90 lines) is under the 70% threshold (test.coverage.threshold)',
    })
  })

  it('warns instead when configured, and passes at or above the threshold', () => {
    expect(coverageVerdict(summary, {threshold: 70, gate: 'warn'}).status).toBe('warned')
    expect(coverageVerdict(summary, {threshold: 66.67, gate: 'block'}).status).toBe('passed')
    expect(coverageVerdict({percent: 70, linesCovered: 7, linesValid: 10}, {threshold: 70, gate: 'block'})).toEqual({
      status: 'passed',
      reason: 'coverage 70.00% (7 of 10 lines) meets the 70% threshold',
    })
  })
})
