// docs/verify.md stays true to the schema: its worked example is valid configuration, and every kind of
// check and every key a check takes is documented.
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {configSchema} from '../../../src/config/schema.js'
import {describeProblems} from '../../../src/config/problems.js'
import {CHECK_KINDS, checkSchema} from '../../../src/verify/schema.js'

const DOC = path.resolve(import.meta.dirname, '../../../docs/verify.md')

describe('docs/verify.md', () => {
  it('its worked example is valid configuration with a check of most kinds', async () => {
    const doc = await readFile(DOC, 'utf8')
    const [example] = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!)
    const result = configSchema.safeParse(JSON.parse(example!), {reportInput: true})
    expect(result.success ? [] : describeProblems(result.error.issues, configSchema)).toEqual([])
    const kinds = new Set(result.data!.environments.staging!.checks.map((c) => c.kind))
    expect([...kinds].sort()).toEqual(['command', 'docker', 'error-rate', 'http', 'postgres', 'pytest', 'redis', 'tcp'])
  })

  it('documents every kind and every key of every kind', async () => {
    const doc = await readFile(DOC, 'utf8')
    const options = (checkSchema as unknown as {options: {shape: Record<string, unknown>}[]}).options
    const undocumented = options.flatMap((option) => Object.keys(option.shape).filter((key) => !doc.includes(`\`${key}\``)))
    expect(undocumented).toEqual([])
    expect(CHECK_KINDS.filter((kind) => !doc.includes(`| \`${kind}\` |`))).toEqual([])
  })
})
