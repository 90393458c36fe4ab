// Everything a run starts (containers, temporary worktrees, locks, servers) registers how to undo it here,
// so that success, failure, Ctrl-C and SIGTERM all leave nothing behind.

export type CleanupTask = () => Promise<void> | void

export class CleanupStack {
  private readonly tasks: {label: string; task: CleanupTask}[] = []
  private running: Promise<void> | undefined

  /** Registers an undo step; returns a function that runs it early and removes it from the stack. */
  add(label: string, task: CleanupTask): () => Promise<void> {
    const entry = {label, task}
    this.tasks.push(entry)
    return async () => {
      const index = this.tasks.indexOf(entry)
      if (index === -1) return
      this.tasks.splice(index, 1)
      await task()
    }
  }

  get size(): number {
    return this.tasks.length
  }

  /** Runs every registered step, newest first; a failing step does not stop the others. */
  runAll(onError: (label: string, error: unknown) => void = () => {}): Promise<void> {
    this.running ??= (async () => {
      while (this.tasks.length > 0) {
        const {label, task} = this.tasks.pop()!
        try {
          await task()
        } catch (error) {
          onError(label, error)
        }
      }
    })().finally(() => {
      this.running = undefined
    })
    return this.running
  }
}
