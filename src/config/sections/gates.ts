// The `gates` configuration section: the five security gates of the design documents. Gates 1 to 3 pass or
// warn there ("Pass / Warning"), so they warn by default; gates 4 and 5 belong to deploys.
import {z} from 'zod'

const gate = z.enum(['block', 'warn'])

export const gatesSchema = z
  .strictObject({
    codeSecurity: z
      .strictObject({
        gate: gate.default('warn').describe('What Bandit findings and hard-coded secrets do to gate 1.'),
        secrets: z.boolean().default(true).describe('Look for hard-coded secrets (keys, private keys, passwords) in the tracked files.'),
      })
      .prefault({})
      .describe('Gate 1, code security: Bandit and hard-coded secrets.'),
    dependencies: z
      .strictObject({
        gate: gate.default('warn').describe('What known vulnerabilities, unpinned requirements and disallowed licenses do to gate 2.'),
        requirePinned: z.boolean().default(true).describe('Every requirement must be pinned with == (or ===).'),
        allowedLicenses: z
          .array(z.string().min(1))
          .default(() => [])
          .describe('License names allowed for dependencies (as their metadata states them); empty means licenses are not checked.'),
      })
      .prefault({})
      .describe('Gate 2, dependencies: the audit (Safety or pip-audit), pinning, licenses.'),
    containers: z
      .strictObject({
        gate: gate.default('warn').describe('What image vulnerabilities and base-image policy violations do to gate 3.'),
        allowLatest: z.boolean().default(false).describe('Allow base images without a tag or tagged latest.'),
        allowedRegistries: z
          .array(z.string().min(1))
          .default(() => [])
          .describe('Registries base images may come from ("docker.io", "ghcr.io"…); empty means any.'),
      })
      .prefault({})
      .describe('Gate 3, containers: Trivy and the base-image policy.'),
  })
  .prefault({})
  .describe('The five security gates; 4 (access control) and 5 (compliance) are evaluated by deploys.')

export type GatesConfig = z.output<typeof gatesSchema>
