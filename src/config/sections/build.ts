// The `build` configuration section: which images the build phase builds. With no image listed, every
// Dockerfile in the usual places is one (docker/NAME/Dockerfile, NAME/Dockerfile, Dockerfile).
import {z} from 'zod'

export const imageSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, 'a lower-case image name such as "airflow" or "platform/airflow"')
      .describe('The image name; cicd tags it NAME:SHORT-SHA and NAME:local.'),
    dockerfile: z.string().min(1).describe('The Dockerfile, relative to the repository root.'),
    context: z.string().min(1).default('.').describe('The build context directory, relative to the repository root.'),
    target: z.string().min(1).optional().describe('The build stage to stop at (docker build --target).'),
    buildArgs: z.record(z.string(), z.string()).default({}).describe('Build arguments (docker build --build-arg NAME=VALUE).'),
  })
  .describe('One image to build.')

export const buildSchema = z
  .strictObject({
    images: z
      .array(imageSchema)
      .default(() => [])
      .describe('The images to build; empty means every Dockerfile found in docker/*/, */ and the root.'),
    concurrency: z.number().int().min(0).default(0).describe('How many images build at once; 0 means all of them.'),
  })
  .prefault({})
  .describe('The build phase: Docker images built in parallel, tagged NAME:SHORT-SHA and NAME:local, never pushed.')

export type BuildConfig = z.output<typeof buildSchema>
export type ImageConfig = z.output<typeof imageSchema>
