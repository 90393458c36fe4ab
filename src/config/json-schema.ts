// The JSON Schema editors use to complete and check a cicd configuration file (docs/config.schema.json),
// generated from the zod schema so the two cannot disagree.
import {z} from 'zod'

import {configInputSchema} from './schema.js'

export function configJsonSchema(): Record<string, unknown> {
  // 'input' describes what a user writes: every key optional, with its default shown.
  const {$schema, ...schema} = z.toJSONSchema(configInputSchema, {io: 'input'})
  return {$schema, title: 'cicd configuration', ...schema}
}

/** The committed file's exact text: two-space JSON with a final newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`
}
