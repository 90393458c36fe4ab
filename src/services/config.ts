// `cicd config`: the resolved configuration of a repository and where each value came from, secrets masked.
import {loadConfig, locateProjectRoot, type LoadedConfig} from '../config/load.js'
import {maskSecrets} from '../config/secrets.js'

export interface ConfigReport extends LoadedConfig {
  /** The project root the configuration was searched in. */
  root: string
}

export async function showConfig(options: {cwd: string}): Promise<ConfigReport> {
  const root = await locateProjectRoot(options.cwd)
  const loaded = await loadConfig({root})
  return {...loaded, config: maskSecrets(loaded.config), root}
}
