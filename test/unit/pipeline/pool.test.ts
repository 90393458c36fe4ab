import {describe, expect, it} from 'vitest'

import {Pool} from '../../../src/pipeline/pool.js'
import {CleanupStack} from '../../../src/lifecycle/cleanup.js'

describe('Pool', () => {
  it('never runs more jobs at once than its size, and runs them all', async () => {
    const pool = new Pool(2)
    let active = 0
    let peak = 0
    const done = await Promise.all(
      Array.from({length: 7}, (_, i) =>
        pool.run(async () => {
          active++
          peak = Math.max(peak, active)
          await new Promise((r) => setTimeout(r, 5))
          active--
          return i
        }),
      ),
    )
    expect(peak).toBe(2)
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6])
  })

  it('frees the slot of a job that throws', async () => {
    const pool = new Pool(1)
    await expect(pool.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    await expect(pool.run(async () => 'next')).resolves.toBe('next')
  })
})

describe('CleanupStack', () => {
  it('runs every step newest first, even when one fails, and only once', async () => {
    const stack = new CleanupStack()
    const order: string[] = []
    stack.add('a', () => void order.push('a'))
    stack.add('b', () => {
      order.push('b')
      throw new Error('b failed')
    })
    stack.add('c', () => void order.push('c'))
    const errors: string[] = []
    await Promise.all([stack.runAll((label) => errors.push(label)), stack.runAll()])
    await stack.runAll()
    expect(order).toEqual(['c', 'b', 'a'])
    expect(errors).toEqual(['b'])
  })

  it('lets a step run early and then forgets it', async () => {
    const stack = new CleanupStack()
    let runs = 0
    const release = stack.add('x', () => void runs++)
    await release()
    await stack.runAll()
    expect(runs).toBe(1)
    expect(stack.size).toBe(0)
  })
})
