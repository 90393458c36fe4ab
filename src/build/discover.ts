// Which images the build phase builds: the configured ones, or, with none configured, each Dockerfile in
// the usual places. docker/NAME/Dockerfile builds with the repository root as context (such Dockerfiles
// COPY the repository's code, as the example platform's do); NAME/Dockerfile with its own directory; a root
// Dockerfile is named after the repository.
import path from 'node:path'

import type {ImageConfig} from '../config/sections/build.js'
import {UsageError} from '../errors.js'

export interface ImageSpec {
  name: string
  /** Relative to the repository root, forward slashes. */
  dockerfile: string
  /** Relative to the repository root; '.' for the root. */
  context: string
  target?: string
  buildArgs: Record<string, string>
}

const IMAGE_NAME = /[^a-z0-9._-]+/g

/** A directory name as an image name: lower case, runs of other characters as one dash. */
export function imageNameOf(directory: string): string {
  return directory.toLowerCase().replace(IMAGE_NAME, '-').replace(/^[-._]+|[-._]+$/g, '') || 'app'
}

/**
 * @param files the repository's files (tracked and untracked-not-ignored), relative, forward slashes
 * @param root the repository root, for naming a root Dockerfile's image
 */
export function discoverImages(configured: ImageConfig[], files: string[], root: string): ImageSpec[] {
  const present = new Set(files)
  if (configured.length > 0) {
    for (const image of configured) {
      if (!present.has(path.posix.normalize(image.dockerfile))) {
        throw new UsageError(`build.images: the Dockerfile of image "${image.name}" (${image.dockerfile}) is not in the repository.`, [
          'Fix build.images[].dockerfile (relative to the repository root), or add the file to git',
        ])
      }
    }
    return configured.map((image) => ({...image, dockerfile: path.posix.normalize(image.dockerfile), context: path.posix.normalize(image.context)}))
  }
  const found: ImageSpec[] = []
  for (const file of [...files].sort()) {
    const parts = file.split('/')
    if (parts.at(-1) !== 'Dockerfile') continue
    if (parts.length === 3 && parts[0] === 'docker') found.push({name: imageNameOf(parts[1]), dockerfile: file, context: '.', buildArgs: {}})
    else if (parts.length === 2 && parts[0] !== 'docker') found.push({name: imageNameOf(parts[0]), dockerfile: file, context: parts[0], buildArgs: {}})
    else if (parts.length === 1) found.push({name: imageNameOf(path.basename(root)), dockerfile: file, context: '.', buildArgs: {}})
  }
  const names = new Map<string, string>()
  for (const image of found) {
    const other = names.get(image.name)
    if (other) {
      throw new UsageError(`Two Dockerfiles would build an image named "${image.name}": ${other} and ${image.dockerfile}.`, [
        'Name the images in the configuration (build.images with name, dockerfile and context)',
      ])
    }
    names.set(image.name, image.dockerfile)
  }
  return found
}

/** Tags of a locally built image: the commit it was built from, and a stable `local` one. */
export function imageTags(name: string, shortSha: string | undefined): string[] {
  return shortSha ? [`${name}:${shortSha}`, `${name}:local`] : [`${name}:local`]
}
