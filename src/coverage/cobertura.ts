// Reads the totals of a Cobertura coverage.xml as coverage.py (pytest-cov) writes it. The percentage is
// coverage.py's own: lines plus branches when branches were measured, from the counts rather than the
// rounded `line-rate` attribute (which keeps four significant digits), so it equals `coverage report`.
import {XMLParser} from 'fast-xml-parser'

export interface CoverageSummary {
  /** 0 to 100, unrounded. */
  percent: number
  linesCovered: number
  linesValid: number
  /** Present only when branch coverage was measured (branches-valid > 0). */
  branchesCovered?: number
  branchesValid?: number
}

export type CoverageRead = {ok: true; summary: CoverageSummary} | {ok: false; message: string}

function count(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined
  const parsed = Number(value)
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined
}

export function readCoverageXml(xml: string): CoverageRead {
  let root: Record<string, unknown> | undefined
  try {
    const parser = new XMLParser({ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false})
    root = (parser.parse(xml) as {coverage?: Record<string, unknown>}).coverage
  } catch (error) {
    return {ok: false, message: `coverage.xml is not valid XML: ${(error as Error).message}`}
  }
  if (!root || typeof root !== 'object') return {ok: false, message: 'coverage.xml has no <coverage> root element'}

  const linesValid = count(root['lines-valid'])
  const linesCovered = count(root['lines-covered'])
  const branchesValid = count(root['branches-valid'])
  const branchesCovered = count(root['branches-covered'])
  if (linesValid !== undefined && linesCovered !== undefined) {
    const branches = branchesValid !== undefined && branchesValid > 0 && branchesCovered !== undefined
    const valid = linesValid + (branches ? branchesValid : 0)
    const covered = linesCovered + (branches ? branchesCovered : 0)
    // coverage.py counts an empty measurement as 100 %.
    const percent = valid === 0 ? 100 : (covered / valid) * 100
    return {
      ok: true,
      summary: branches ? {percent, linesCovered, linesValid, branchesCovered, branchesValid} : {percent, linesCovered, linesValid},
    }
  }
  // Older generators write only the rates.
  const lineRate = count(root['line-rate'])
  if (lineRate === undefined) return {ok: false, message: 'coverage.xml has neither lines-covered/lines-valid nor line-rate'}
  return {ok: true, summary: {percent: lineRate * 100, linesCovered: 0, linesValid: 0}}
}

/** "88.17%": two decimals, as `coverage report --precision=2` prints it. */
export function formatPercent(percent: number): string {
  return `${(Math.round(percent * 100) / 100).toFixed(2)}%`
}
