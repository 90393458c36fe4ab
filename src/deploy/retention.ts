// What `cicd cleanup` may remove: containers no release needs any more (stopped ones, and blues whose
// rollback window has passed), and images of the services' repositories that no protected release uses.
import type {Release} from '../state/store.js'

export interface ContainerFacts {
  id: string
  name: string
  releaseId: number
  running: boolean
}

/** Containers to remove; the live release's never, a kept blue only after its window. */
export function expiredContainers(containers: ContainerFacts[], live: Release | undefined, keepBlueHours: number, now: number): ContainerFacts[] {
  const windowOver = !live || !live.finishedAt || now - new Date(live.finishedAt).getTime() > keepBlueHours * 3_600_000
  return containers.filter((c) => c.releaseId !== live?.id && (!c.running || live?.spec.strategy !== 'blue-green' || windowOver))
}

/** Image ids that must stay: the live release's and those of the newest `keep` verified releases. */
export function protectedImages(releases: Release[], live: Release | undefined, keep: number): Set<string> {
  const verified = releases.filter((r) => r.status === 'verified').sort((a, b) => b.id - a.id).slice(0, keep)
  return new Set([...(live ? [live] : []), ...verified].flatMap((r) => Object.values(r.images)))
}

/** Images tagged from one of the repositories whose id no protected release uses. */
export function removableImages(images: {id: string; tags: string[]}[], repositories: string[], protect: Set<string>): {id: string; tags: string[]}[] {
  return images.filter((image) => !protect.has(image.id) && image.tags.some((tag) => repositories.includes(tag.slice(0, tag.lastIndexOf(':')))))
}
