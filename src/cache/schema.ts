// The `cache` key of the configuration: the result cache that lets an unchanged file skip its tools.
import {z} from 'zod'

export const cacheSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Replay stored findings for unchanged inputs; --no-cache turns it off for one run.'),
    maxSizeMb: z
      .number()
      .positive()
      .default(50)
      .describe('The size the cache may reach before its least recently used entries are deleted, in megabytes.'),
    dir: z
      .string()
      .min(1)
      .optional()
      .describe("Where the cache lives, absolute or relative to the project root; by default cicd/cache in git's common directory (shared by linked worktrees), else $XDG_CACHE_HOME/cicd/results."),
  })
  .prefault({})
  .describe('The content-addressed result cache.')

export type CacheConfig = z.output<typeof cacheSchema>
