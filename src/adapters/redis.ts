// Redis (node-redis, imported lazily): one connection for a health check, no reconnects. A failure becomes a
// RedisUnavailableError whose short reason ("connection refused", "authentication failed: WRONGPASS …")
// names what went wrong without the URL's password.
import {PrerequisiteError} from '../errors.js'
import {redactUrl} from '../lifecycle/redact.js'

export interface Redis {
  /** The server's answer to PING ("PONG" from a healthy server). */
  ping(): Promise<string>
  close(): Promise<void>
}

export interface RedisConnectOptions {
  /** `redis://[[user]:password@]host:port[/db]` or `rediss://…` for TLS. */
  url: string
  connectTimeoutMs?: number
  /** Closes the socket at once, whatever is in flight. */
  signal?: AbortSignal
}

export class RedisUnavailableError extends PrerequisiteError {
  constructor(
    readonly reason: string,
    url: string,
    cause?: unknown,
  ) {
    super(`Redis at ${redactUrl(url)}: ${reason}`, ['Check that Redis is running and that the url (host, port, password) is right'], cause)
    this.name = 'RedisUnavailableError'
  }
}

export async function connectRedis(options: RedisConnectOptions): Promise<Redis> {
  options.signal?.throwIfAborted()
  const {createClient} = await import('redis')
  const client = createClient({
    url: options.url,
    // RESP2 authenticates with AUTH and needs no HELLO, so servers older than Redis 6 answer too.
    RESP: 2,
    // A health check reports what it found: retrying a refused connection would only hide it (and a client
    // retrying forever keeps the process alive).
    socket: {connectTimeout: options.connectTimeoutMs ?? 5000, reconnectStrategy: false},
    disableOfflineQueue: true,
  })
  // Failures reach the caller through the rejected connect or command; without a listener node-redis would
  // rethrow them as an uncaught 'error' event.
  client.on('error', () => {})
  const destroy = () => client.destroy()
  options.signal?.addEventListener('abort', destroy, {once: true})
  // An abort while the TCP connection is still being made cannot reach the socket yet (node-redis 6 keeps it
  // only once connected): destroy it as soon as it exists, or the handshake would wait on a mute server.
  client.on('connect', () => {
    if (options.signal?.aborted) destroy()
  })
  const fail = (error: unknown): never => {
    destroy()
    options.signal?.removeEventListener('abort', destroy)
    throw new RedisUnavailableError(describe(error), options.url, error)
  }
  await client.connect().catch(fail)
  return {
    async ping() {
      return client.ping().catch(fail)
    },
    async close() {
      options.signal?.removeEventListener('abort', destroy)
      destroy()
    },
  }
}

/** What a person should read: the network condition or the server's refusal, never the URL. */
function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  const message = error instanceof Error ? error.message : String(error)
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host not found (${message.replace(/^getaddrinfo \S+ /, '')})`
  if ((error as object).constructor?.name === 'ConnectionTimeoutError') return 'no connection within the connect timeout'
  if (/^WRONGPASS/.test(message)) return `authentication failed: ${message}`
  if (/^NOAUTH/.test(message)) return 'authentication required: give the password in the url (redis://:PASSWORD@host:port)'
  return message
}
