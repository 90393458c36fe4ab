// Outgoing HTTP (Node's fetch): health checks against service instances, and JSON posts to notification
// endpoints. Every request has a timeout; a network failure is an answer (status 0), not an exception.

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

async function request(url: string, init: RequestInit, timeoutMs: number): Promise<HttpAnswer> {
  try {
    const response = await fetch(url, {...init, signal: AbortSignal.timeout(timeoutMs)})
    return {status: response.status, body: await response.text()}
  } catch (error) {
    const cause = (error as {cause?: {code?: string}}).cause
    return {status: 0, body: '', error: cause?.code ?? (error as Error).name ?? String(error)}
  }
}

export function createHttp(): Http {
  return {
    get: (url, timeoutMs) => request(url, {method: 'GET'}, timeoutMs),
    postJson: (url, body, options = {}) =>
      request(
        url,
        {method: 'POST', headers: {'content-type': 'application/json', ...options.headers}, body: JSON.stringify(body)},
        options.timeoutMs ?? 10_000,
      ),
  }
}
