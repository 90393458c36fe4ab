import {describe, expect, it} from 'vitest'

import {getCheck, STATIC_CHECKS} from '../../../src/checks/registry.js'

describe('check registry', () => {
  it('lists the seven static checks, each named after its executable, as argv[0]', () => {
    expect(STATIC_CHECKS.map((check) => check.id)).toEqual(['flake8', 'pylint', 'black', 'isort', 'bandit', 'safety', 'pip-audit'])
    for (const check of STATIC_CHECKS) {
      expect(check.phase).toBe('static')
      expect(check.tool).toBe(check.id)
      expect(check.argv(['x.py'], {args: [], requirements: ['requirements.txt']})[0]).toBe(check.tool)
    }
  })

  it('marks which checks may be split per file and what they read', () => {
    const local = STATIC_CHECKS.filter((check) => check.fileLocal).map((check) => check.id)
    expect(local).toEqual(['flake8', 'black', 'isort', 'bandit'])
    expect(STATIC_CHECKS.filter((check) => check.inputs === 'requirements').map((check) => check.id)).toEqual(['safety', 'pip-audit'])
  })

  it('never lets a file name starting with - become an option', () => {
    for (const check of STATIC_CHECKS) {
      const argv = check.argv(['-rf.py'], {args: [], requirements: ['-r.txt']})
      expect(argv.some((arg) => arg === '-rf.py' || arg === '-r.txt'), check.id).toBe(false)
    }
  })

  it('finds a check by id, and nothing for an unknown one', () => {
    expect(getCheck('isort')?.tool).toBe('isort')
    expect(getCheck('ruff')).toBeUndefined()
  })
})
