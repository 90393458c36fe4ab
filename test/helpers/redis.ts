// A private redis-server (Debian's) on a free loopback port with its own directory, for the verify tests;
// a missing server fails the test with the provisioning script to run.
import {spawn} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {freePort} from './ports.js'

export interface RedisServer {
  url: string
  port: number
  stop(): Promise<void>
}

export async function startRedis(options: {password?: string} = {}): Promise<RedisServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cicd-redis-'))
  const port = await freePort()
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no']
  if (options.password) args.push('--requirepass', options.password)
  const child = spawn('redis-server', args, {stdio: ['ignore', 'pipe', 'pipe']})
  let output = ''
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('error', (error) => reject(new Error(`redis-server could not start (${error.message}): run scripts/provision/redis.sh (as root) first.`)))
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${output}`)))
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('Ready to accept connections')) resolve()
      })
    })
  } catch (error) {
    await rm(dir, {recursive: true, force: true})
    throw error
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
      await rm(dir, {recursive: true, force: true})
    },
  }
}
