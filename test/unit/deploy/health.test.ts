import {describe, expect, it} from 'vitest'

import type {Http} from '../../../src/adapters/http.js'
import {waitHealthy} from '../../../src/deploy/health.js'

function fakeClock() {
  let now = 0
  return {now: () => now, sleep: async (ms: number) => void (now += ms)}
}

const check = {path: '/health', expectedStatus: 200, successes: 3, intervalMs: 100, timeoutMs: 50, readyTimeoutMs: 1000}

function answers(statuses: number[]): Http {
  let i = 0
  return {get: async () => ({status: statuses[Math.min(i++, statuses.length - 1)], body: '', error: 'ECONNREFUSED'}), postJson: async () => ({status: 200, body: ''})}
}

describe('waitHealthy', () => {
  it('needs consecutive good answers: a good answer after a bad one starts counting again', async () => {
    const result = await waitHealthy({http: answers([0, 200, 500, 200, 200, 200]), clock: fakeClock(), url: 'http://x/health', check})
    expect(result).toMatchObject({healthy: true, attempts: 6, last: 'HTTP 200'})
  })

  it('gives up at the ready timeout and says what the last answer was', async () => {
    const result = await waitHealthy({http: answers([500]), clock: fakeClock(), url: 'http://x/health', check})
    expect(result.healthy).toBe(false)
    expect(result.last).toBe('HTTP 500')
    // One check at 0 ms, then every 100 ms up to the 1000 ms limit.
    expect(result.attempts).toBe(11)
  })
})
