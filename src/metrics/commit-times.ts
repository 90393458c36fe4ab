// Lead time's input from git: for each successful deployment, the commit times of the changes it shipped
// (the commits reachable from its version and not from the previous successful deployment's). A version
// is a commit, a tag or branch, or a CI tag ending in a commit id (`{build}-{commit}`, the Jenkinsfile's).
// Runs git through simple-git, imported lazily; a version git does not know is left out and reported.
import type {DeploymentRecord} from './records.js'

export interface CommitLog {
  /** The commit a version names, or undefined. */
  resolve(version: string): Promise<string | undefined>
  /** Committer times (ms) of the commits in `from..to` (all of `to`'s history when from is undefined, capped). */
  commitTimes(to: string, from?: string): Promise<number[]>
}

export function createCommitLog(root: string): CommitLog {
  let client: Promise<import('simple-git').SimpleGit> | undefined
  const git = () => (client ??= import('simple-git').then(({simpleGit}) => simpleGit({baseDir: root})))
  const revParse = async (rev: string) => {
    try {
      return (await (await git()).raw(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])).trim() || undefined
    } catch {
      return undefined
    }
  }
  return {
    async resolve(version) {
      const direct = await revParse(version)
      if (direct) return direct
      const trailing = /(?:^|[-_.])([0-9a-f]{7,40})$/.exec(version)?.[1]
      return trailing ? revParse(trailing) : undefined
    },
    async commitTimes(to, from) {
      const range = from ? [`${from}..${to}`] : ['-1', to]
      const out = await (await git()).raw(['log', '--format=%ct', ...range])
      return out
        .split('\n')
        .filter(Boolean)
        .map((seconds) => Number(seconds) * 1000)
    },
  }
}

/**
 * By deployment id, the commit times of what each successful deployment shipped. The first deployment on
 * record counts its own commit only: what came before it was shipped by deployments cicd never saw.
 */
export async function deploymentCommitTimes(log: CommitLog, successful: {deployment: DeploymentRecord; at: number}[], wanted: Set<number>): Promise<Map<number, number[]>> {
  const ordered = [...successful].sort((a, b) => a.at - b.at || a.deployment.id - b.deployment.id)
  const times = new Map<number, number[]>()
  for (const [index, {deployment}] of ordered.entries()) {
    if (!wanted.has(deployment.id)) continue
    const commit = await log.resolve(deployment.version)
    if (!commit) continue
    const previous = index > 0 ? await log.resolve(ordered[index - 1].deployment.version) : undefined
    times.set(deployment.id, await log.commitTimes(commit, previous))
  }
  return times
}
