import {describe, expect, it} from 'vitest'

import {formatTimings, stepTimings} from '../../../src/deploy/journal.js'
import type {JournalEntry} from '../../../src/state/store.js'

const at = (s: number) => new Date(s * 1000)
const entry = (step: string, event: JournalEntry['event'], s: number): JournalEntry => ({id: s, runId: 1, step, event, detail: {}, at: at(s)})

describe('step timings from the journal', () => {
  it('adds up every attempt of a step, including those before a crash', () => {
    const timings = stepTimings([
      entry('alert-and-lock', 'started', 0),
      entry('alert-and-lock', 'finished', 1),
      entry('deploy-previous', 'started', 1),
      // crash: no finish; the resumed run starts the step again
      entry('deploy-previous', 'started', 10),
      entry('deploy-previous', 'failed', 14),
      entry('retry', 'note', 14),
      entry('deploy-previous', 'started', 14),
      entry('deploy-previous', 'finished', 20),
    ])
    expect(timings).toEqual({'alert-and-lock': 1, 'deploy-previous': 10})
    expect(formatTimings(timings).at(-1)).toMatch(/total\s+11\.0 s/)
  })
})
