// `cicd lock status | acquire | release`: the deployment lock by hand, every action in the audit log. A lock
// taken by hand does not expire (nobody renews it); it holds until released.
import os from 'node:os'

import {CicdError, ExitCode, UsageError} from '../errors.js'
import {describeHolder, LockedError} from '../deploy/lease.js'
import {openForCommand, type OperatorOptions} from '../deploy/select.js'
import type {LockState} from '../state/lock.js'

export async function lockStatus(options: OperatorOptions): Promise<{environment: string; lock: LockState | null; text: string}> {
  const {env, ctx} = await openForCommand(options)
  const lock = await ctx.lock.status()
  return {environment: env.name, lock: lock ?? null, text: lock ? `${env.name}: ${lock.expired ? 'expired lease of ' : 'locked by '}${describeHolder(lock)}` : `${env.name}: free`}
}

export async function lockAcquire(options: OperatorOptions & {reason: string; waitSeconds: number}): Promise<string> {
  const {env, ctx} = await openForCommand(options)
  const deadline = ctx.clock.now() + options.waitSeconds * 1000
  for (;;) {
    const result = await ctx.lock.acquire({holder: ctx.actor, host: os.hostname(), pid: process.pid, reason: options.reason, operation: 'manual'}, 60)
    if (result.acquired) {
      await ctx.lock.pin(result.lease.token, options.reason)
      await ctx.store.audit(ctx.actor, 'lock.acquire', {operation: 'manual', reason: options.reason})
      return `${env.name} is locked by ${ctx.actor} until released: cicd lock release --env ${env.name}`
    }
    if (ctx.clock.now() >= deadline) throw new LockedError(env.name, result.current)
    await ctx.clock.sleep(1000)
  }
}

export async function lockRelease(options: OperatorOptions & {force: boolean; reason?: string}): Promise<string> {
  const {env, ctx} = await openForCommand(options)
  const current = await ctx.lock.status()
  if (!current) return `${env.name} was not locked`
  const own = current.holder === ctx.actor && current.operation === 'manual'
  if (!own && !options.force) {
    throw new CicdError(`${env.name} is locked by ${describeHolder(current)}, not by a manual lock of ${ctx.actor}`, {
      exitCode: ExitCode.locked,
      nextSteps: [`If that holder is gone or stuck: cicd lock release --env ${env.name} --force --reason "…"`],
    })
  }
  if (options.force && !options.reason) throw new UsageError('--force needs --reason, for the audit log', [`cicd lock release --env ${env.name} --force --reason "holder crashed"`])
  await ctx.lock.forceRelease()
  await ctx.store.audit(ctx.actor, options.force ? 'lock.force-release' : 'lock.release', {holder: current.holder, host: current.host, pid: current.pid, reason: options.reason ?? null})
  return `${env.name} is unlocked (was held by ${current.holder}@${current.host})`
}
