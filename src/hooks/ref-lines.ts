// The lines git writes on a pre-push hook's stdin, one per ref being pushed:
// `<local ref> SP <local sha> SP <remote ref> SP <remote sha>`; a zero sha means "does not exist"
// (a deleted ref on the local side, a new ref on the remote side).
import {UsageError} from '../errors.js'

export interface RefUpdate {
  localRef: string
  localSha: string
  remoteRef: string
  remoteSha: string
}

export type Destination =
  | {kind: 'branch'; name: string}
  | {kind: 'tag'; name: string}
  | {kind: 'other'; name: string}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/

export function isZeroSha(sha: string): boolean {
  return /^0+$/.test(sha)
}

export function parseRefLines(input: string): RefUpdate[] {
  return input
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const fields = line.split(/\s+/)
      const [localRef, localSha, remoteRef, remoteSha] = fields
      if (fields.length !== 4 || !SHA.test(localSha!) || !SHA.test(remoteSha!)) {
        throw new UsageError(`Cannot read the ref line "${line}": git writes "<local ref> <local sha> <remote ref> <remote sha>".`, [
          'cicd hooks run pre-push is meant to be run by git: install it with cicd hooks install and push',
        ])
      }
      return {localRef: localRef!, localSha: localSha!, remoteRef: remoteRef!, remoteSha: remoteSha!}
    })
}

export function destinationOf(remoteRef: string): Destination {
  if (remoteRef.startsWith('refs/heads/')) return {kind: 'branch', name: remoteRef.slice('refs/heads/'.length)}
  if (remoteRef.startsWith('refs/tags/')) return {kind: 'tag', name: remoteRef.slice('refs/tags/'.length)}
  return {kind: 'other', name: remoteRef}
}

/** The line that replays one ref update through `cicd hooks run pre-push`, for a failure's "reproduce" hint. */
export function formatRefLine(update: RefUpdate): string {
  return `${update.localRef} ${update.localSha} ${update.remoteRef} ${update.remoteSha}`
}
