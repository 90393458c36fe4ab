// A counting semaphore: at most `size` tool processes at once, whatever mix of checks and batches asks.
// A check can also hold a slot of its own before it knows what it will run (see reserve).

export class Pool {
  private active = 0
  private readonly waiting: (() => void)[] = []
  private markStarted?: () => void
  /**
   * Settles on a later turn of the event loop than the one in which the first job started: by then a job
   * that starts a process has started it. Work that only has to be done before the end of the run waits for
   * this, so that it does not hold up the first tool.
   */
  readonly started = new Promise<void>((resolve) => {
    this.markStarted = resolve
  })

  constructor(readonly size: number) {
    if (size < 1) throw new RangeError('pool size must be at least 1')
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    await this.acquire()
    try {
      this.noteStart()
      return await job()
    } finally {
      this.releaseSlot()
    }
  }

  /**
   * Takes a slot now, for a check that still has to prepare its command (pylint reads its cache and scans the
   * imports first). Without it, the quicker checks take every slot meanwhile and the longest one, which
   * decides when the phase ends, starts last. Its runs use the held slot while it is idle, and the pool
   * otherwise; `release` gives the slot back (once, whatever ran).
   */
  reserve(): Reservation {
    const acquired = this.acquire()
    let current: Promise<unknown> | undefined
    let released = false
    return {
      run: async (job) => {
        if (current || released) return this.run(job)
        const running = acquired.then(() => {
          this.noteStart()
          return job()
        })
        current = running
        try {
          return await running
        } finally {
          current = undefined
        }
      },
      release: () => {
        if (released) return
        released = true
        const settled = Promise.allSettled([acquired, current])
        void settled.then(() => this.releaseSlot())
      },
    }
  }

  private noteStart(): void {
    const mark = this.markStarted
    if (!mark) return
    this.markStarted = undefined
    setImmediate(mark)
  }

  /** A free slot, or a place in the queue (a freed slot passes straight to the next in line). */
  private async acquire(): Promise<void> {
    if (this.active < this.size) this.active++
    else await new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  private releaseSlot(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.active--
  }
}

export interface Reservation {
  run<T>(job: () => Promise<T>): Promise<T>
  release(): void
}
