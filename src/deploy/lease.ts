// Holding the deployment lock for the length of a deploy or rollback: taken (or queued for with --wait),
// renewed on a heartbeat, released at the end, or pinned when a failed rollback must keep everyone out.
import os from 'node:os'

import {CicdError, ExitCode} from '../errors.js'
import type {LockState} from '../state/lock.js'
import type {DeployContext} from './context.js'

export interface HeldLock {
  token: string
  /** True once a renewal found the lease gone (expired and taken, or force-released). */
  lost(): boolean
  release(): Promise<void>
  /** Makes every later step stop (an interrupt is undoing the run). */
  abandon(): void
  /** Keeps the lease until someone releases it by hand (a rollback that escalated). */
  pin(reason: string): Promise<void>
}

const time = (date: Date) => date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')

export function describeHolder(lock: LockState): string {
  const expires = new Date(lock.expiresAt)
  // A pinned lease (a manual lock, an escalated rollback) is stored as 'infinity'.
  const until = Number.isFinite(expires.getTime()) ? `lease until ${time(expires)}` : 'held until released'
  return `${lock.holder}@${lock.host} (pid ${lock.pid}, ${lock.operation}: "${lock.reason}") since ${time(new Date(lock.acquiredAt))}, ${until}`
}

export class LockedError extends CicdError {
  constructor(environment: string, current: LockState) {
    super(`${environment} is locked by ${describeHolder(current)}`, {
      exitCode: ExitCode.locked,
      nextSteps: [
        'Wait for it: add --wait (at most --wait-timeout seconds, 1800 by default)',
        `If that holder is gone, its lease expires by itself; to break it now: cicd lock release --env ${environment} --force --reason "…"`,
      ],
    })
  }
}

export async function holdLock(ctx: DeployContext, options: {reason: string; operation: string; waitSeconds?: number}): Promise<HeldLock> {
  const ttl = ctx.env.lock.ttlSeconds
  const who = {holder: ctx.actor, host: os.hostname(), pid: process.pid, reason: options.reason, operation: options.operation}
  const deadline = ctx.clock.now() + (options.waitSeconds ?? 0) * 1000
  let announced = false
  for (;;) {
    const result = await ctx.lock.acquire(who, ttl)
    if (result.acquired) {
      if (result.tookOverFrom) {
        await ctx.store.audit(ctx.actor, 'lock.takeover', {expiredHolder: result.tookOverFrom.holder, host: result.tookOverFrom.host, pid: result.tookOverFrom.pid, reason: result.tookOverFrom.reason})
      }
      await ctx.store.audit(ctx.actor, 'lock.acquire', {operation: options.operation, reason: options.reason})
      return startHeartbeat(ctx, result.lease.token, options.operation)
    }
    if (ctx.clock.now() >= deadline) throw new LockedError(ctx.env.name, result.current)
    if (!announced) {
      ctx.log(`waiting for the lock: held by ${describeHolder(result.current)}`)
      announced = true
    }
    await ctx.clock.sleep(Math.min(1000, Math.max(50, deadline - ctx.clock.now())))
  }
}

function startHeartbeat(ctx: DeployContext, token: string, operation: string): HeldLock {
  const ttl = ctx.env.lock.ttlSeconds
  let lost = false
  let pinned = false
  const timer = setInterval(() => {
    ctx.lock.renew(token, ttl).then(
      (ok) => {
        if (!ok && !lost) {
          lost = true
          ctx.log(`warning: the lock on ${ctx.env.name} was lost (its lease expired or was force-released); stopping at the next step`)
        }
      },
      () => {},
    )
  }, ctx.env.lock.heartbeatSeconds * 1000)
  timer.unref()
  return {
    token,
    lost: () => lost,
    abandon() {
      lost = true
    },
    async release() {
      clearInterval(timer)
      if (pinned) return
      if (await ctx.lock.release(token)) await ctx.store.audit(ctx.actor, 'lock.release', {operation})
    },
    async pin(reason) {
      clearInterval(timer)
      pinned = true
      await ctx.lock.pin(token, reason)
      await ctx.store.audit(ctx.actor, 'lock.pin', {operation, reason})
    },
  }
}
