import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {defaultConfig} from '../../../src/config/defaults.js'
import {configSchema} from '../../../src/config/schema.js'
import {CONFIG_FILES, loadConfig} from '../../../src/config/load.js'
import {leafPaths} from '../../../src/config/provenance.js'

const DOC = path.resolve(import.meta.dirname, '../../../docs/configuration.md')

describe('docs/configuration.md', () => {
  it('documents every key of the checks configuration and every file name searched', async () => {
    const doc = await readFile(DOC, 'utf8')
    // A key every check takes may be documented once, as checks.<id>.<key>.
    const documented = (keys: string[]) =>
      doc.includes(`\`${keys.join('.')}\``) || (keys[0] === 'checks' && doc.includes(`\`checks.<id>.${keys[2]}\``))
    const {test, build, scan, gates, reports, cache} = configSchema.parse({})
    const missing = [...leafPaths(defaultConfig()), ...leafPaths({test, build, scan, gates, reports, cache})]
      .filter((keys) => !documented(keys))
      .map((keys) => keys.join('.'))
    expect(missing).toEqual([])
    expect(CONFIG_FILES.filter((name) => !doc.includes(`\`${name}\``))).toEqual([])
  })

  it('its examples are valid configuration', async () => {
    const doc = await readFile(DOC, 'utf8')
    const blocks = [...doc.matchAll(/```(toml|yaml)\n([\s\S]*?)```/g)].map(([, lang, text]) => ({lang: lang!, text: text!}))
    expect(blocks.map((block) => block.lang)).toEqual(['toml', 'yaml'])
    const resolved = []
    for (const block of blocks) {
      const root = await mkdtemp(path.join(os.tmpdir(), 'cicd-doc-example-'))
      try {
        await writeFile(path.join(root, block.lang === 'toml' ? 'pyproject.toml' : '.cicdrc.yaml'), block.text)
        resolved.push((await loadConfig({root})).config)
      } finally {
        await rm(root, {recursive: true, force: true})
      }
    }
    expect(resolved[0]!.checks.pylint).toMatchObject({failUnder: 8, scoreGate: 'block'})
    expect(resolved[0]!.checks['pip-audit'].enabled).toBe(true)
    expect(resolved[1]).toEqual(resolved[0])
  })
})
