// The HTML dashboard's charts over time: per day of the window, the builds (passed, failed, mean duration),
// the deployments (successful, failed) and availability; per build, coverage and the pylint score.
import type {LedgerEntry} from '../ledger/entry.js'
import {buildsIn, deployedAt} from './compute.js'
import type {MetricsInput} from './records.js'
import {inWindow, type Window} from './window.js'

export interface DayPoint {
  /** YYYY-MM-DD (UTC). */
  day: string
  buildsPassed: number
  buildsFailed: number
  /** Mean build minutes that day, null without builds. */
  buildMinutes: number | null
  deploymentsOk: number
  deploymentsFailed: number
  /** Percent of the day's probes that passed, null without probes. */
  availability: number | null
}

export interface BuildPoint {
  at: string
  coverage: number | null
  pylintScore: number | null
}

export interface Series {
  days: DayPoint[]
  builds: BuildPoint[]
}

const DAY_MS = 86_400_000
const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10)

export function seriesOf(input: MetricsInput, window: Window, where: string[]): Series {
  const first = Math.floor(window.start / DAY_MS) * DAY_MS
  const days = new Map<string, DayPoint & {minutes: number[]; probes: number; up: number}>()
  for (let t = first; t < window.end; t += DAY_MS) {
    days.set(dayOf(t), {day: dayOf(t), buildsPassed: 0, buildsFailed: 0, buildMinutes: null, deploymentsOk: 0, deploymentsFailed: 0, availability: null, minutes: [], probes: 0, up: 0})
  }
  const builds: LedgerEntry[] = buildsIn(input.runs, window, where)
  for (const run of builds) {
    const day = days.get(dayOf(Date.parse(run.startedAt)))
    if (!day) continue
    if (run.ok) day.buildsPassed++
    else day.buildsFailed++
    day.minutes.push(run.durationMs / 60_000)
  }
  for (const deployment of input.deployments) {
    if (deployment.status === 'deploying' || !inWindow(deployedAt(deployment), window)) continue
    const day = days.get(dayOf(deployedAt(deployment)))
    if (!day) continue
    if (deployment.status === 'failed') day.deploymentsFailed++
    else day.deploymentsOk++
  }
  for (const probe of input.probes) {
    if (!inWindow(probe.at, window)) continue
    const day = days.get(dayOf(probe.at))
    if (!day) continue
    day.probes++
    if (probe.ok) day.up++
  }
  return {
    days: [...days.values()].map(({minutes, probes, up, ...point}) => ({
      ...point,
      buildMinutes: minutes.length === 0 ? null : minutes.reduce((a, b) => a + b, 0) / minutes.length,
      availability: probes === 0 ? null : (100 * up) / probes,
    })),
    builds: builds.filter((run) => run.coverage !== null || run.pylintScore !== null).map((run) => ({at: run.startedAt, coverage: run.coverage, pylintScore: run.pylintScore})),
  }
}
