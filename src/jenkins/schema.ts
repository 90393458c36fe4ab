// The `jenkins` configuration section: what the generated Jenkinsfile needs beyond the rest of the
// configuration (the registry images are pushed to, Jenkins credential ids, how the agent runs cicd).
// Everything else (checks, branch policy, images, environments) comes from the same configuration a
// developer's `cicd check` reads, so the two cannot drift. No transform: the schema also feeds the JSON Schema.
import {z} from 'zod'

export const jenkinsSchema = z
  .strictObject({
    file: z.string().min(1).default('Jenkinsfile').describe('Where `cicd ci jenkinsfile` writes, relative to the repository root.'),
    registry: z
      .string()
      .min(1)
      .optional()
      .describe('The Docker registry images are pushed to (`{registry}/{name}:{build}-{commit}`). Unset: the Jenkins environment variable DOCKER_REGISTRY.'),
    registryCredentialsId: z
      .string()
      .min(1)
      .default('docker-credentials-id')
      .describe('The Jenkins "username with password" credential used to log in to the registry.'),
    agentLabel: z.string().min(1).optional().describe('Run on agents with this label (needs Docker and Node 20); unset: any agent.'),
    cicd: z
      .string()
      .min(1)
      .default('npx --no-install cicd')
      .describe('How the agent runs cicd (the repository pins it as a dev dependency, so CI runs the same version as laptops).'),
    install: z
      .string()
      .min(1)
      .default('npm ci --no-audit --no-fund')
      .describe('The shell command that installs cicd on the agent before the checks.'),
    postDeploy: z
      .array(z.string().min(1))
      .default(() => [])
      .describe('Post-deploy checks run after each deploy, with {env} replaced by the environment; `cicd status --env {env}` always runs first. A failure calls `cicd rollback`.'),
    buildsToKeep: z.number().int().min(1).default(30).describe('Builds Jenkins keeps (logRotator).'),
  })
  .prefault({})
  .describe('The Jenkinsfile `cicd ci jenkinsfile` generates from this configuration.')

export type JenkinsConfig = z.output<typeof jenkinsSchema>
