// Outgoing HTTP (Node's fetch): health checks against service instances, JSON posts to notification
// endpoints, and the requests of `cicd verify`'s checks. Every request has a timeout or an abort signal; a
// network failure is an answer (status 0 and the error's code), not an exception.

export interface HttpAnswer {
  /** 0 when no answer came (refused, reset, timed out). */
  status: number
  body: string
  error?: string
}

export interface Http {
  get(url: string, timeoutMs: number): Promise<HttpAnswer>
  postJson(url: string, body: unknown, options?: {timeoutMs?: number; headers?: Record<string, string>}): Promise<HttpAnswer>
}

export interface RequestOptions {
  method?: string
  headers?: Record<string, string>
  body?: string
  /** Aborting it closes the connection, also while the body is still arriving. */
  signal?: AbortSignal
}

export interface TimedAnswer extends HttpAnswer {
  /** From sending the request to the end of the body; set when an answer came. */
  latencyMs?: number
  /** The answer's headers (names in lower case); empty when no answer came. */
  headers: Record<string, string>
}

/**
 * One request. Credentials written in the URL (`https://user:pw@host/`) are sent as Basic authentication,
 * because fetch refuses such URLs, with an error message that would repeat the password.
 */
export async function request(url: string, options: RequestOptions = {}): Promise<TimedAnswer> {
  const started = performance.now()
  try {
    const {target, authorization} = splitCredentials(url)
    const headers = authorization && !hasHeader(options.headers, 'authorization') ? {authorization, ...options.headers} : options.headers
    const response = await fetch(target, {method: options.method ?? 'GET', headers, body: options.body, signal: options.signal})
    const body = await response.text()
    return {status: response.status, body, latencyMs: Math.round(performance.now() - started), headers: Object.fromEntries(response.headers)}
  } catch (error) {
    // undici puts the reason in the cause: a code (ECONNREFUSED) or, for what it refuses itself, a message
    // ("bad port", "unknown scheme"); fetch's own message is a bare "fetch failed".
    const cause = (error as {cause?: {code?: string; message?: string}}).cause
    return {status: 0, body: '', error: cause?.code ?? cause?.message ?? (error as Error).name ?? String(error), headers: {}}
  }
}

function splitCredentials(url: string): {target: string; authorization?: string} {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return {target: url} // fetch reports the invalid URL (ERR_INVALID_URL)
  }
  if (!parsed.username && !parsed.password) return {target: url}
  const credentials = `${decoded(parsed.username)}:${decoded(parsed.password)}`
  parsed.username = ''
  parsed.password = ''
  return {target: parsed.toString(), authorization: `Basic ${Buffer.from(credentials).toString('base64')}`}
}

/** URLs percent-encode credentials; a stray `%` that encodes nothing is taken as written. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

function hasHeader(headers: Record<string, string> | undefined, name: string): boolean {
  return Object.keys(headers ?? {}).some((key) => key.toLowerCase() === name)
}

export function createHttp(): Http {
  return {
    get: (url, timeoutMs) => request(url, {method: 'GET', signal: AbortSignal.timeout(timeoutMs)}),
    postJson: (url, body, options = {}) =>
      request(url, {
        method: 'POST',
        headers: {'content-type': 'application/json', ...options.headers},
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      }),
  }
}
