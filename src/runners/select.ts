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
  /** The tools the run will use (a container finds them all at once). */
  tools?: readonly string[]
}

export async function selectRunner(options: SelectRunnerOptions): Promise<Runner> {
  const {choice, image, root, cleanup, terminal, tools} = options
  if (choice === 'local') {
    terminal.error('runner: local')
    return localRunner(options.config, cleanup)
  }
  const {createContainerRunner, probeContainerRunner} = await import('./container.js')
  if (choice === 'container') {
    const runner = await createContainerRunner({root, image, cleanup, tools})
    terminal.error(`runner: ${runner.description}`)
    return runner
  }
  const probe = await probeContainerRunner(image)
  if (!probe.available) {
    terminal.error(`runner: local (auto: ${probe.reason})`)
    return localRunner(options.config, cleanup)
  }
  const runner = await createContainerRunner({root, image, cleanup, tools})
  terminal.error(`runner: ${runner.description} (auto: the engine answers and the image is there)`)
  return runner
}

function localRunner(config: CicdConfig, cleanup: CleanupStack): Runner {
  const paths = Object.fromEntries(Object.entries(config.checks).map(([id, check]) => [id, check.path]))
  return createLocalRunner({paths: {...paths, pytest: config.test.path}, cleanup})
}
