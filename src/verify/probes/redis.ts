// The `redis` check: PING over a real client must answer PONG. Refused connections and refused passwords are
// the evidence, said plainly, with the password masked even if a server were to echo it.
import {connectRedis, RedisUnavailableError, type Redis} from '../../adapters/redis.js'
import {createRedactor, stripPassword} from '../../lifecycle/redact.js'
import {formatMs} from '../run-check.js'
import type {Probe} from '../types.js'

export const redisProbe: Probe<'redis'> = async (check, ctx) => {
  const {url} = check
  const redact = createRedactor([stripPassword(url).password])
  const started = performance.now()
  let redis: Redis | undefined
  try {
    redis = await connectRedis({url, connectTimeoutMs: check.timeoutMs, signal: ctx.signal})
    const answer = await redis.ping()
    const elapsed = formatMs(performance.now() - started)
    if (answer === 'PONG') return {ok: true, evidence: `PONG (${elapsed})`}
    return {ok: false, evidence: redact(`PING answered ${JSON.stringify(answer)} instead of PONG (${elapsed})`)}
  } catch (error) {
    // Aborted: the runner words the evidence (timeout or interruption).
    ctx.signal.throwIfAborted()
    return {ok: false, evidence: redact(error instanceof RedisUnavailableError ? error.reason : (error as Error).message)}
  } finally {
    await redis?.close()
  }
}
