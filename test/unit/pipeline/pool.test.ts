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

  it('keeps a reserved slot for its holder while other jobs queue, and gives it back on release', async () => {
    const pool = new Pool(2)
    const order: string[] = []
    const reservation = pool.reserve()
    let release!: () => void
    const blocker = pool.run(() => new Promise<void>((resolve) => (release = resolve)))
    const queued = pool.run(async () => void order.push('queued'))
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(order).toEqual([])
    // The held slot runs its holder's job at once, although a job waits in the pool.
    await reservation.run(async () => void order.push('holder'))
    expect(order).toEqual(['holder'])
    reservation.release()
    reservation.release()
    await queued
    expect(order).toEqual(['holder', 'queued'])
    release()
    await blocker
    // Released once: two slots again, not three.
    let active = 0
    let peak = 0
    await Promise.all(Array.from({length: 4}, () => pool.run(async () => {
      peak = Math.max(peak, ++active)
      await new Promise((resolve) => setTimeout(resolve, 2))
      active--
    })))
    expect(peak).toBe(2)
  })

  it("sends a holder's second concurrent job through the pool, and releases only after the held job ends", async () => {
    const pool = new Pool(1)
    const reservation = pool.reserve()
    let finishHeld!: () => void
    const events: string[] = []
    const held = reservation.run(() => new Promise<void>((resolve) => (finishHeld = () => (events.push('held done'), resolve()))))
    const second = reservation.run(async () => void events.push('second'))
    await new Promise((resolve) => setTimeout(resolve, 5))
    reservation.release()
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(events).toEqual([])
    finishHeld()
    await Promise.all([held, second])
    expect(events).toEqual(['held done', 'second'])
  })

  it('says it started on a later turn than the first job, whether run or reserved, and never before', async () => {
    const settledAfter = async (pool: Pool, start: () => void) => {
      const events: string[] = []
      void pool.started.then(() => events.push('started'))
      await new Promise((resolve) => setImmediate(resolve))
      expect(events).toEqual([])
      start()
      events.push('job called')
      await pool.started
      // The job's own continuation (a process spawned after an await) came before.
      return events
    }
    const running = new Pool(2)
    expect(await settledAfter(running, () => void running.run(() => new Promise(() => {})))).toEqual(['job called', 'started'])
    const reserving = new Pool(1)
    let spawned = false
    const order = await settledAfter(reserving, () => {
      void reserving.reserve().run(async () => {
        await Promise.resolve()
        spawned = true
      })
    })
    expect(order).toEqual(['job called', 'started'])
    expect(spawned).toBe(true)
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
