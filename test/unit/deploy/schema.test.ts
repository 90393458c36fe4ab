import {describe, expect, it} from 'vitest'

import {environmentsSchema} from '../../../src/config/environments-schema.js'

describe('environments schema', () => {
  it('gives production blue-green, approval and backup, and staging 3 rolling instances', () => {
    const parsed = environmentsSchema.parse({production: {}, staging: {}})
    expect(parsed.production).toMatchObject({strategy: 'blue-green', instances: 1, approval: {required: true, timeoutMinutes: 30}, backup: {required: true}, blueGreen: {keepBlueHours: 24}})
    expect(parsed.staging).toMatchObject({strategy: 'rolling', instances: 3, approval: {required: false}, backup: {required: false}})
    expect(parsed.staging.lock).toEqual({ttlSeconds: 60, heartbeatSeconds: 20})
  })

  it('fills a service’s health check defaults and rejects unknown keys and bad engines', () => {
    const parsed = environmentsSchema.parse({staging: {services: {web: {image: 'app', port: 8000}}}})
    expect(parsed.staging.services.web.healthCheck).toEqual({path: '/health', expectedStatus: 200, successes: 3, intervalMs: 1000, timeoutMs: 2000, readyTimeoutMs: 30000})
    expect(environmentsSchema.safeParse({staging: {servics: {}}}).success).toBe(false)
    const bad = environmentsSchema.safeParse({staging: {engines: [{url: 'http://x'}]}})
    expect(bad.error?.issues[0].message).toContain('unix://, tcp:// or ssh://')
  })

  it('caps the approval wait at the design’s 30 minutes', () => {
    expect(environmentsSchema.safeParse({production: {approval: {timeoutMinutes: 45}}}).success).toBe(false)
  })
})
