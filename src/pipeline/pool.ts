// A counting semaphore: at most `size` tool processes at once, whatever mix of checks and batches asks.

export class Pool {
  private active = 0
  private readonly waiting: (() => void)[] = []

  constructor(readonly size: number) {
    if (size < 1) throw new RangeError('pool size must be at least 1')
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve))
    this.active++
    try {
      return await job()
    } finally {
      this.active--
      this.waiting.shift()?.()
    }
  }
}
