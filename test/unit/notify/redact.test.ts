import {describe, expect, it} from 'vitest'

import {createRedactor, redactDeep, redactUrl, resolveRefs, stripPassword, MissingVariableError} from '../../../src/lifecycle/redact.js'

describe('redaction', () => {
  it('masks passwords in any URL and every known secret, longest first', () => {
    const redact = createRedactor(['tok', 'abcd-secret', 'abcd-secret-longer'])
    expect(redact('postgres://app:pw%40x@db:5432/app and abcd-secret-longer and abcd-secret')).toBe('postgres://app:***@db:5432/app and *** and ***')
    // Values shorter than 4 characters would mask ordinary words; they are ignored.
    expect(redact('a token')).toBe('a token')
  })

  it('leaves URLs without a password alone and splits one off for a tool’s environment', () => {
    expect(redactUrl('postgres://app@db/app')).toBe('postgres://app@db/app')
    expect(stripPassword('postgres://app:s%23cret@db:5432/app')).toEqual({url: 'postgres://app@db:5432/app', password: 's#cret'})
  })

  it('masks strings inside records', () => {
    const redact = createRedactor(['hunter22'])
    expect(redactDeep({a: ['x hunter22'], b: {c: 'hunter22'}, n: 3}, redact)).toEqual({a: ['x ***'], b: {c: '***'}, n: 3})
  })

  it('resolves ${VAR} references and names a missing variable', () => {
    expect(resolveRefs('https://x/${A}/${B}', {A: '1', B: '2'})).toBe('https://x/1/2')
    expect(() => resolveRefs('${NOPE}', {})).toThrow(MissingVariableError)
  })
})
