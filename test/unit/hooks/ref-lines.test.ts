import {describe, expect, it} from 'vitest'

import {destinationOf, parseRefLines} from '../../../src/hooks/ref-lines.js'
import {parseSkip} from '../../../src/hooks/skip.js'

const A = 'a'.repeat(40)
const ZERO = '0'.repeat(40)

describe('parseRefLines', () => {
  it('reads every line git writes, ignoring blank ones', () => {
    expect(parseRefLines(`refs/heads/x ${A} refs/heads/x ${ZERO}\n\n(delete) ${ZERO} refs/heads/old ${A}\n`)).toEqual([
      {localRef: 'refs/heads/x', localSha: A, remoteRef: 'refs/heads/x', remoteSha: ZERO},
      {localRef: '(delete)', localSha: ZERO, remoteRef: 'refs/heads/old', remoteSha: A},
    ])
  })

  it('accepts SHA-256 object names', () => {
    expect(parseRefLines(`HEAD ${'b'.repeat(64)} refs/heads/x ${'0'.repeat(64)}`)).toHaveLength(1)
  })

  it('rejects a malformed line with exit code 2, quoting it', () => {
    expect(() => parseRefLines('refs/heads/x abc refs/heads/x')).toThrow(expect.objectContaining({exitCode: 2, message: expect.stringContaining('"refs/heads/x abc refs/heads/x"')}))
  })
})

describe('destinationOf', () => {
  it('names branches, tags and other refs', () => {
    expect(destinationOf('refs/heads/feature/x')).toEqual({kind: 'branch', name: 'feature/x'})
    expect(destinationOf('refs/tags/v1.0')).toEqual({kind: 'tag', name: 'v1.0'})
    expect(destinationOf('refs/for/main')).toEqual({kind: 'other', name: 'refs/for/main'})
  })
})

describe('parseSkip', () => {
  it('skips everything for 1, true or all', () => {
    for (const value of ['1', 'true', 'ALL', ' yes ']) expect(parseSkip(value)).toEqual({all: true})
  })

  it('skips nothing when unset, empty or 0', () => {
    for (const value of [undefined, '', '0', 'false']) expect(parseSkip(value)).toEqual({all: false, checks: []})
  })

  it('skips the named checks', () => {
    expect(parseSkip('pylint,trivy, pylint')).toEqual({all: false, checks: ['pylint', 'trivy']})
  })
})
