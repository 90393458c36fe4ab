// `cicd init`: writes the commented starter configuration into the repository root, refusing to replace a
// configuration that exists (unless forced) or to write one that another file would silently override.
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {CONFIG_FILES, locateProjectRoot} from '../config/load.js'
import {starterConfig, type StarterFormat} from '../config/starter.js'
import {UsageError} from '../errors.js'

export interface InitOptions {
  cwd: string
  format: StarterFormat
  force: boolean
}

export interface InitResult {
  /** Absolute path of the file written (or appended to, for pyproject). */
  file: string
  /** Configurations that now lose to the new file (relative to the root): the user should remove them. */
  shadowed: string[]
}

const TARGET: Record<StarterFormat, string> = {yaml: '.cicdrc.yaml', json: '.cicdrc.json', pyproject: 'pyproject.toml'}

const readOrUndefined = (file: string) => readFile(file, 'utf8').catch(() => undefined)

/** Whether a search place holds a cicd configuration; package.json and pyproject.toml only with a cicd key. */
async function holdsConfig(root: string, name: string): Promise<boolean> {
  const text = await readOrUndefined(path.join(root, name))
  if (text === undefined) return false
  if (name === 'pyproject.toml') return /^\s*\[\s*tool\s*\.\s*cicd\s*[\].]/m.test(text)
  if (name === 'package.json') {
    try {
      return (JSON.parse(text) as {cicd?: unknown}).cicd !== undefined
    } catch {
      return false
    }
  }
  return true
}

async function existingConfigs(root: string): Promise<string[]> {
  const present = await Promise.all(CONFIG_FILES.map((name) => holdsConfig(root, name)))
  return CONFIG_FILES.filter((_, index) => present[index])
}

/** pyproject.toml gets a [tool.cicd] table appended; its other tables stay as they were, byte for byte. */
async function appendToPyproject(file: string): Promise<void> {
  const before = (await readOrUndefined(file)) ?? ''
  const separator = before === '' ? '' : before.endsWith('\n') ? '\n' : '\n\n'
  const after = `${before}${separator}${starterConfig('pyproject')}`
  const {parse} = await import('smol-toml')
  try {
    parse(after)
  } catch (error) {
    throw new UsageError(`pyproject.toml would not be valid TOML with a [tool.cicd] table appended: ${(error as Error).message.split('\n')[0]}`, [
      'Fix pyproject.toml first (black and isort read it too), or use `cicd init --format yaml`',
    ])
  }
  await writeFile(file, after)
}

export async function initConfig(options: InitOptions): Promise<InitResult> {
  const root = await locateProjectRoot(options.cwd)
  const target = TARGET[options.format]
  const existing = await existingConfigs(root)

  if (options.format === 'pyproject' && existing.includes('pyproject.toml')) {
    throw new UsageError('pyproject.toml already has a [tool.cicd] table.', [
      'Edit [tool.cicd] in pyproject.toml (`cicd config` shows what it resolves to), or delete the table and run `cicd init --format pyproject` again',
    ])
  }
  if (existing.length > 0 && !options.force) {
    throw new UsageError(`A cicd configuration already exists: ${existing.join(', ')}.`, [
      `Edit ${existing[0]}, or run \`cicd init --force\` to replace ${existing.includes(target) ? target : 'it'} with the starter file`,
    ])
  }
  const rank = (name: string) => CONFIG_FILES.indexOf(name as (typeof CONFIG_FILES)[number])
  const ahead = existing.filter((name) => rank(name) < rank(target))
  if (ahead.length > 0) {
    throw new UsageError(`${ahead[0]} takes precedence over ${target}, so the new file would be ignored.`, [
      `Remove ${ahead.join(' and ')} first, or edit ${ahead[0]} instead`,
    ])
  }

  const file = path.join(root, target)
  if (options.format === 'pyproject') await appendToPyproject(file)
  else await writeFile(file, starterConfig(options.format))
  return {file, shadowed: existing.filter((name) => name !== target)}
}
