// The `scan` configuration section: Trivy run from a pinned image over each built image. The design
// documents gate on HIGH and CRITICAL but only alert, so the gate warns by default.
import {z} from 'zod'

export const TRIVY_SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const

export const scanSchema = z
  .strictObject({
    image: z.string().min(1).default('aquasec/trivy:0.58.1').describe('The Trivy image the scan runs in (pinned, so CI and laptops agree).'),
    severities: z
      .array(z.enum(TRIVY_SEVERITIES))
      .min(1)
      .default((): (typeof TRIVY_SEVERITIES)[number][] => ['HIGH', 'CRITICAL'])
      .describe('The severities reported and gated (trivy --severity).'),
    gate: z
      .enum(['block', 'warn'])
      .default('warn')
      .describe('What vulnerabilities of those severities do: "warn" reports them (the design\'s "alert only"), "block" fails the run.'),
    ignoreUnfixed: z.boolean().default(false).describe('Leave out vulnerabilities without a fixed version (trivy --ignore-unfixed).'),
    offline: z
      .boolean()
      .default(false)
      .describe('Use the vulnerability database already in the cache volume, without updating it or calling out (air-gapped machines).'),
    cacheVolume: z.string().min(1).default('cicd-trivy-cache').describe('The named Docker volume holding Trivy\'s vulnerability database between runs.'),
    ignoreFile: z.string().min(1).default('.trivyignore').describe('The Trivy ignore file, relative to the repository root; used when it exists.'),
    timeoutSeconds: z.number().int().min(1).default(900).describe('A scan running longer than this is stopped and reported as an error.'),
  })
  .prefault({})
  .describe('The scan phase: Trivy over each built image, handed over as a docker save archive.')

export type ScanConfig = z.output<typeof scanSchema>
