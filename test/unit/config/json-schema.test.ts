import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {Ajv2020} from 'ajv/dist/2020.js'
import {describe, expect, it} from 'vitest'

import {configJsonSchema, configJsonSchemaText} from '../../../src/config/json-schema.js'
import {starterConfig} from '../../../src/config/starter.js'

const COMMITTED = path.resolve(import.meta.dirname, '../../../docs/config.schema.json')

describe('docs/config.schema.json', () => {
  it('is what the zod schema generates (regenerate: npx tsx scripts/generate-config-schema.ts)', async () => {
    expect(await readFile(COMMITTED, 'utf8')).toBe(configJsonSchemaText())
  })

  it('lets an editor accept the starter file and flag a misspelt key or a wrong type', () => {
    const validate = new Ajv2020({strict: false, logger: false}).compile(configJsonSchema())
    expect(validate(JSON.parse(starterConfig('json')))).toBe(true)
    expect(validate({checks: {flake9: {}}})).toBe(false)
    expect(validate({checks: {pylint: {failUnder: 'seven'}}})).toBe(false)
    expect(validate({runner: 'docker'})).toBe(false)
  })

  it('shows each default and description to the editor', () => {
    const schema = configJsonSchema() as {properties: Record<string, {default?: unknown; description?: string}>}
    expect(schema.properties.runner).toMatchObject({default: 'auto'})
    expect(schema.properties.concurrency?.description).toMatch(/CPU core/)
  })
})
