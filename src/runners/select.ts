// Picks the runner: `local`, `container`, or `auto` (the container when the engine answers and the tools
// image is there, else local), and says why.
import type {Terminal} from '../adapters/terminal.js'
import type {CicdConfig, RunnerChoice} from '../config/types.js'
import type {CleanupStack} from '../lifecycle/cleanup.js'
import {createLocalRunner} from './local.js'
import type {Runner} from './types.js'

export interface SelectRunnerOptions {
  choice: RunnerChoice
  image: string
  root: string
  config: CicdConfig
  cleanup: CleanupStack
  terminal: Terminal
}

export async function selectRunner(options: SelectRunnerOptions): Promise<Runner> {
  const local = () =>
    createLocalRunner({paths: Object.fromEntries(Object.entries(options.config.checks).map(([id, check]) => [id, check.path]))})
  if (options.choice === 'local') return local()
  const {createContainerRunner} = await import('./container.js')
  if (options.choice === 'container') return createContainerRunner({root: options.root, image: options.image, cleanup: options.cleanup})

  const {probeContainerRunner} = await import('./container.js')
  const probe = await probeContainerRunner(options.image)
  if (!probe.available) {
    options.terminal.debug(`runner auto: local, because ${probe.reason}`)
    options.terminal.error(`runner auto → local (${probe.reason})`)
    return local()
  }
  options.terminal.error(`runner auto → container (engine reachable, image ${options.image} present)`)
  return createContainerRunner({root: options.root, image: options.image, cleanup: options.cleanup})
}
