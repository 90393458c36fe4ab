import {describe, expect, it} from 'vitest'

import {asOperand, stripAnsi, toRepoPath} from '../../../src/checks/paths.js'

describe('toRepoPath', () => {
  it('keeps a relative path, dropping ./ and .\\ and turning backslashes into slashes', () => {
    expect(toRepoPath('pkg/bad.py', '/repo')).toBe('pkg/bad.py')
    expect(toRepoPath('./pkg/bad.py', '/repo')).toBe('pkg/bad.py')
    expect(toRepoPath('.\\src\\redfish\\x.py', '/repo')).toBe('src/redfish/x.py')
    expect(toRepoPath('with space/ünï côdé.py', '/repo')).toBe('with space/ünï côdé.py')
  })

  it('makes absolute paths under the root relative, with or without a trailing slash on the root', () => {
    expect(toRepoPath('/repo/pkg/bad.py', '/repo')).toBe('pkg/bad.py')
    expect(toRepoPath('/repo/pkg/bad.py', '/repo/')).toBe('pkg/bad.py')
    expect(toRepoPath('C:\\work\\repo\\app.py', 'C:\\work\\repo')).toBe('app.py')
  })

  it('leaves an absolute path outside the root absolute, and does not confuse a sibling prefix', () => {
    expect(toRepoPath('/usr/lib/python3/site-packages', '/repo')).toBe('/usr/lib/python3/site-packages')
    expect(toRepoPath('/repo-other/x.py', '/repo')).toBe('/repo-other/x.py')
  })

  it('strips colour codes around a path', () => {
    expect(toRepoPath('\u001B[1mpy_etp_client\u001B[m', '/repo')).toBe('py_etp_client')
  })
})

describe('stripAnsi', () => {
  it('removes SGR colours and OSC 8 hyperlinks but nothing else', () => {
    expect(stripAnsi('\u001B[1m\u001B[31mE902\u001B[m text')).toBe('E902 text')
    expect(stripAnsi('\u001B]8;;file:///x.py\u001B\\x.py\u001B]8;;\u001B\\:1')).toBe('x.py:1')
  })
})

describe('asOperand', () => {
  it('keeps a file named like an option from being read as one', () => {
    expect(asOperand('-rf.py')).toBe('./-rf.py')
    expect(asOperand('pkg/-x.py')).toBe('pkg/-x.py')
  })
})
