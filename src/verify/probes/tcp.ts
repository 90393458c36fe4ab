// The `tcp` check: a port accepts connections (a database, a broker, a scheduler's RPC port). One connect,
// closed at once; an abort destroys the socket.
import net from 'node:net'

import type {Probe, ProbeResult} from '../types.js'

export const tcpProbe: Probe<'tcp'> = (check, ctx) => {
  const {host} = check
  const target = `${host}:${check.port}`
  if (ctx.signal.aborted) return Promise.resolve(aborted(target))
  return new Promise<ProbeResult>((resolve) => {
    const started = performance.now()
    const socket = net.connect({host, port: check.port})
    const finish = (result: ProbeResult) => {
      ctx.signal.removeEventListener('abort', onAbort)
      socket.destroy()
      resolve(result)
    }
    const onAbort = () => finish(aborted(target))
    ctx.signal.addEventListener('abort', onAbort, {once: true})
    socket.once('connect', () => finish({ok: true, evidence: `port ${check.port} open on ${host} (${Math.round(performance.now() - started)} ms)`}))
    socket.once('error', (error: NodeJS.ErrnoException) => finish({ok: false, evidence: describeConnectionFailure(error.code ?? error.message, host, target)}))
  })
}

function aborted(target: string): ProbeResult {
  return {ok: false, evidence: `no connection to ${target} before the check was stopped`}
}

/**
 * A connection that failed, in words that point at the fix; shared with the http check, whose failures
 * below HTTP are the same. `code` is Node's error code (ECONNREFUSED, ENOTFOUND, ...).
 */
export function describeConnectionFailure(code: string, host: string, target: string): string {
  switch (code) {
    case 'ENOTFOUND':
      return `ENOTFOUND: the host ${host} does not resolve (check the name, or the DNS this machine uses)`
    case 'EAI_AGAIN':
      return `EAI_AGAIN: the host ${host} could not be resolved now (the DNS server did not answer)`
    case 'ECONNREFUSED':
      return `connection refused: nothing listens on ${target}`
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `no answer: ECONNRESET (${target} closed the connection)`
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no answer: ${code} (no route to ${host})`
    case 'ETIMEDOUT':
      return `no answer: ETIMEDOUT (${target} did not accept the connection)`
    default:
      return `no answer: ${code}`
  }
}
