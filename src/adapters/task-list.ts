// The live task list on stderr (listr2): one line per concurrent task, retitled with its outcome when it
// ends. `tty` animates, `plain` prints a line per event (CI logs), `silent` prints nothing (--json, --quiet).
export type OutputMode = 'tty' | 'plain' | 'silent'

export interface TaskSpec<R> {
  title: string
  run(): Promise<R>
  /** The line that replaces the title when the task ends. */
  describe(result: R): string
  /** A skipped task is shown as skipped with this reason. */
  skipped?(result: R): string | undefined
}

/**
 * Runs every task concurrently and returns their results in order. A task whose run() throws ends the
 * list: the others finish, then the first error is rethrown (a task's own failure belongs in its result).
 */
export async function runTaskList<R>(tasks: TaskSpec<R>[], mode: OutputMode): Promise<R[]> {
  const {Listr, ListrLogger, ProcessOutput} = await import('listr2')
  const results = new Map<number, R>()
  let fatal: unknown
  const logger = () => new ListrLogger({processOutput: new ProcessOutput(process.stderr, process.stderr)})
  const list = new Listr(
    tasks.map((spec, index) => ({
      title: spec.title,
      task: async (_: unknown, task: {title: string; skip(message?: string): void}) => {
        let result: R
        try {
          result = await spec.run()
        } catch (error) {
          fatal ??= error
          throw error
        }
        results.set(index, result)
        task.title = spec.describe(result)
        const skipped = spec.skipped?.(result)
        if (skipped !== undefined) task.skip(skipped)
      },
    })),
    {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: mode === 'tty' ? 'default' : mode === 'plain' ? 'simple' : 'silent',
      rendererOptions: {logger: logger()},
      fallbackRendererOptions: {logger: logger()},
      fallbackRendererCondition: mode !== 'tty',
      silentRendererCondition: mode === 'silent',
    },
  )
  await list.run()
  if (fatal !== undefined) throw fatal
  return tasks.map((_, index) => results.get(index)!)
}
