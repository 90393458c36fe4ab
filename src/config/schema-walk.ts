// Reads the configuration schema's structure: the sub-schema at a key path, the keys an object accepts,
// a key's description. Error suggestions and the starter file's comments come from here, so neither can
// drift from the schema.
import type {z} from 'zod'

type Path = readonly PropertyKey[]
type Def = Record<string, unknown> & {type: string}

const defOf = (schema: z.core.$ZodType) => schema._zod.def as unknown as Def

/** The sub-schema at a path, looking through defaults, optionals and pipes. */
export function schemaAt(schema: z.core.$ZodType, path: Path): z.core.$ZodType | undefined {
  const def = defOf(schema)
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
    case 'readonly':
      return schemaAt(def.innerType as z.core.$ZodType, path)
    case 'pipe':
      return schemaAt(def.in as z.core.$ZodType, path)
  }
  if (path.length === 0) return schema
  const [head, ...rest] = path
  if (def.type === 'object') {
    const child = (def.shape as Record<string, z.core.$ZodType>)[String(head)]
    return child && schemaAt(child, rest)
  }
  if (def.type === 'array') return schemaAt(def.element as z.core.$ZodType, rest)
  if (def.type === 'record') return schemaAt(def.valueType as z.core.$ZodType, rest)
  return undefined
}

/** A discriminated union's member the written value selects (its discriminator's literal matches). */
function memberFor(def: Def, written: unknown): z.core.$ZodType | undefined {
  const discriminator = def.discriminator as string | undefined
  if (!discriminator || !written || typeof written !== 'object') return undefined
  const value = (written as Record<string, unknown>)[discriminator]
  return (def.options as z.core.$ZodType[]).find((option) => {
    const literal = (defOf(option).shape as Record<string, z.core.$ZodType> | undefined)?.[discriminator]
    return literal && (defOf(literal).values as unknown[] | undefined)?.includes(value)
  })
}

function shapeAt(schema: z.core.$ZodType, path: Path, written?: unknown): Record<string, z.ZodType> | undefined {
  const node = schemaAt(schema, path)
  let def = node && defOf(node)
  if (def?.type === 'union') {
    const member = memberFor(def, written)
    def = member && defOf(member)
  }
  return def?.type === 'object' ? (def.shape as Record<string, z.ZodType>) : undefined
}

/**
 * The keys an object accepts at a path (empty when the path is not an object). At a discriminated union
 * (the kinds of check), the written object says which member's keys apply.
 */
export function keysAt(schema: z.core.$ZodType, path: Path, written?: unknown): string[] {
  return Object.keys(shapeAt(schema, path, written) ?? {})
}

/** The description given to the key at a path (the last element names the key). */
export function descriptionAt(schema: z.core.$ZodType, path: readonly string[]): string | undefined {
  return shapeAt(schema, path.slice(0, -1))?.[path.at(-1)!]?.description
}
