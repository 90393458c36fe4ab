// `--push` on a developer's machine: pushing and registry tags are CI's, so cicd refuses it.
import {UsageError} from '../errors.js'

export function pushRefused(): UsageError {
  return new UsageError('cicd check does not push images from a developer machine: pushing and registry tags are done by CI.', [
    'Build and check locally with: cicd check --phase build --phase scan (images are tagged NAME:SHORT-SHA and NAME:local)',
    'Push your branch; the pipeline builds, tags and pushes the images',
  ])
}
