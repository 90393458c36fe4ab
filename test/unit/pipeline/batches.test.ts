import {describe, expect, it} from 'vitest'

import {splitIntoBatches} from '../../../src/pipeline/batches.js'

const files = (n: number, prefix = 'pkg/module_') => Array.from({length: n}, (_, i) => `${prefix}${i}.py`)

describe('splitIntoBatches', () => {
  it('keeps a small file list in one process (a start costs more than it saves)', () => {
    expect(splitIntoBatches(files(30), 2)).toEqual([files(30)])
  })

  it('splits a large list evenly over the cores, keeping every file once and in order', () => {
    const list = files(500)
    const batches = splitIntoBatches(list, 2)
    expect(batches).toHaveLength(2)
    expect(batches.flat()).toEqual(list)
    expect(Math.abs(batches[0].length - batches[1].length)).toBeLessThanOrEqual(1)
  })

  it('never builds an argv over the byte budget, however many files (5,000 long paths)', () => {
    const list = files(5000, `${'deep/'.repeat(20)}module_with_a_long_name_`)
    const batches = splitIntoBatches(list, 2)
    expect(batches.flat()).toEqual(list)
    for (const batch of batches) expect(batch.reduce((n, f) => n + Buffer.byteLength(f) + 1, 0)).toBeLessThanOrEqual(96 * 1024)
    expect(batches.length).toBeGreaterThan(2)
  })

  it('returns no batch for no files', () => {
    expect(splitIntoBatches([], 4)).toEqual([])
  })
})
