// The load balancer: an interface other balancers can implement, and nginx behind it. A switch rewrites the
// upstream file atomically (temp file + rename) and reloads nginx, whose old workers finish in-flight
// requests; a reload that fails puts the previous file back, so nginx never keeps a broken configuration.
import {readFile, rename, writeFile} from 'node:fs/promises'

import {execFile} from './process.js'

export interface LoadBalancer {
  /** For messages: "nginx upstream app in /etc/nginx/upstream.conf". */
  readonly description: string
  /** The backends receiving traffic now ("127.0.0.1:8000"). */
  current(): Promise<string[]>
  /** Sends all traffic to exactly these backends in one step; an empty list answers 502 (maintenance). */
  switchTo(backends: string[]): Promise<void>
}

export class LoadBalancerError extends Error {}

export function renderUpstream(name: string, backends: string[]): string {
  const servers = backends.length > 0
    ? backends.map((backend) => `    server ${backend};`)
    // nginx refuses an empty upstream; a server marked down makes it answer 502 while nothing is live.
    : ['    server 127.0.0.1:9 down; # maintenance: nothing is live']
  return `# Managed by cicd: rewritten on every switch, do not edit.\nupstream ${name} {\n${servers.join('\n')}\n}\n`
}

export function parseUpstream(text: string): string[] {
  return [...text.matchAll(/^\s*server\s+([^\s;]+)([^;]*);/gm)].filter((m) => !/\bdown\b/.test(m[2])).map((m) => m[1])
}

export function createNginxBalancer(options: {upstreamFile: string; upstreamName: string; reloadCommand: string[]}): LoadBalancer {
  const {upstreamFile, upstreamName, reloadCommand} = options
  return {
    description: `nginx upstream ${upstreamName} in ${upstreamFile}`,
    async current() {
      try {
        return parseUpstream(await readFile(upstreamFile, 'utf8'))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
        throw error
      }
    },
    async switchTo(backends) {
      const previous = await readFile(upstreamFile, 'utf8').catch(() => undefined)
      const temporary = `${upstreamFile}.cicd-${process.pid}`
      await writeFile(temporary, renderUpstream(upstreamName, backends))
      await rename(temporary, upstreamFile)
      const [file, ...args] = reloadCommand
      const out = await execFile(file, args, {cwd: process.cwd()}).catch((error: Error) => ({exitCode: 127, stderr: error.message, stdout: ''}))
      if (out.exitCode !== 0) {
        if (previous !== undefined) await writeFile(upstreamFile, previous)
        throw new LoadBalancerError(`${reloadCommand.join(' ')} failed (exit ${out.exitCode}): ${out.stderr.trim()}; the previous upstream file was put back`)
      }
    },
  }
}
