// `cicd ci jenkinsfile [--check]`: generates the Jenkinsfile from the repository's configuration and writes
// it, or (with --check) compares it with the committed one and returns the difference, so CI fails on drift.
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import type {EnvironmentsConfig} from '../config/environments-schema.js'
import {generateJenkinsfile} from '../jenkins/generate.js'
import {jenkinsSchema} from '../jenkins/schema.js'

export interface JenkinsfileOptions {
  cwd: string
  /** Compare with the file on disk instead of writing it. */
  check: boolean
  /** Print the text instead of writing it. */
  stdout?: boolean
}

export type JenkinsfileOutcome =
  | {kind: 'written' | 'unchanged'; file: string}
  | {kind: 'printed'; text: string}
  | {kind: 'up-to-date'; file: string}
  | {kind: 'drift'; file: string; missing: boolean; diff: string}

export async function jenkinsfile(options: JenkinsfileOptions): Promise<JenkinsfileOutcome> {
  const [{loadConfig, locateProjectRoot}, {listRepositoryFiles}, {discoverImages}, {effectiveRules}] = await Promise.all([
    import('../config/load.js'),
    import('../adapters/git-repo.js'),
    import('../build/discover.js'),
    import('../policy/branch-policy.js'),
  ])
  const root = await locateProjectRoot(options.cwd)
  const {config, file: configFile} = await loadConfig({root})
  // The section is parsed here too, so this works whether or not the root schema mounts it yet.
  const jenkins = jenkinsSchema.parse((config as {jenkins?: unknown}).jenkins)
  const images = discoverImages(config.build.images, await listRepositoryFiles(root), root).map((image) => image.name)
  const text = generateJenkinsfile({
    jenkins,
    policy: effectiveRules(config.policy),
    images,
    toolsImage: config.tools.image,
    environments: (config as {environments?: EnvironmentsConfig}).environments ?? {},
    configFile: configFile === undefined ? undefined : path.relative(root, configFile),
  })
  if (options.stdout) return {kind: 'printed', text}
  const file = path.resolve(root, jenkins.file)
  const current = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (options.check) {
    if (current === text) return {kind: 'up-to-date', file}
    const {createTwoFilesPatch} = await import('diff')
    const name = path.relative(root, file)
    const diff = createTwoFilesPatch(`${name} (committed)`, `${name} (generated)`, current ?? '', text, undefined, undefined, {context: 3})
    return {kind: 'drift', file, missing: current === undefined, diff}
  }
  if (current === text) return {kind: 'unchanged', file}
  const {default: writeFileAtomic} = await import('write-file-atomic')
  await writeFileAtomic(file, text)
  return {kind: 'written', file}
}
