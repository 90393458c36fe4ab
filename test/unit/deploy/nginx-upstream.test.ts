import {describe, expect, it} from 'vitest'

import {parseUpstream, renderUpstream} from '../../../src/adapters/nginx.js'

describe('nginx upstream file', () => {
  it('round-trips the backends', () => {
    const text = renderUpstream('app', ['127.0.0.1:8000', '127.0.0.1:8001'])
    expect(text).toContain('upstream app {')
    expect(parseUpstream(text)).toEqual(['127.0.0.1:8000', '127.0.0.1:8001'])
  })

  it('writes a valid maintenance upstream when nothing is live, which reads back as no backend', () => {
    const text = renderUpstream('app', [])
    expect(text).toContain('server 127.0.0.1:9 down;')
    expect(parseUpstream(text)).toEqual([])
  })
})
