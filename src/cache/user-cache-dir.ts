// cicd's directory in the user's cache ($XDG_CACHE_HOME/cicd, else ~/.cache/cicd): what it remembers across
// repositories (tool versions, validated configurations, results when git's directory is not writable).
import os from 'node:os'
import path from 'node:path'

export function userCacheDir(...parts: string[]): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cicd', ...parts)
}
