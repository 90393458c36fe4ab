// The `reports` configuration section: where every `cicd check` writes its report folder.
import {z} from 'zod'

export const reportsSchema = z
  .strictObject({
    dir: z.string().min(1).default('.cicd/reports').describe('The folder, relative to the repository root, that holds one report folder per run and `latest`.'),
    keep: z.number().int().min(1).default(20).describe('How many run folders to keep; older ones are removed.'),
  })
  .prefault({})
  .describe('The build report written by every run (JSON, JUnit, SARIF, coverage.xml, HTML).')

export type ReportsConfig = z.output<typeof reportsSchema>
