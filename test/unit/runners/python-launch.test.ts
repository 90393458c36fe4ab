import {describe, expect, it} from 'vitest'

import {parseShebang, pythonInterpreterOf, withoutCyclicGc} from '../../../src/runners/python-launch.js'

describe('the Python interpreter of a script', () => {
  it('reads a Python executable and its one option from the #! line', () => {
    expect(pythonInterpreterOf('#!/usr/bin/python3')).toEqual({program: '/usr/bin/python3', args: []})
    expect(pythonInterpreterOf('#! /usr/bin/python3')).toEqual({program: '/usr/bin/python3', args: []})
    expect(pythonInterpreterOf('#!/opt/venv/bin/python3.11 -sE')).toEqual({program: '/opt/venv/bin/python3.11', args: ['-sE']})
    expect(pythonInterpreterOf('#!/usr/local/bin/python\r')).toEqual({program: '/usr/local/bin/python', args: []})
  })

  it('reads env finding a Python on PATH', () => {
    expect(pythonInterpreterOf('#!/usr/bin/env python3')).toEqual({program: '/usr/bin/env', args: ['python3']})
  })

  it('leaves anything else to run as it is', () => {
    for (const line of [
      '#!/bin/sh',
      '#!/usr/bin/env node',
      // The kernel gives env one argument, "python3 -s": the script would not start either.
      '#!/usr/bin/env python3 -s',
      '#!/usr/bin/python3 -m pylint',
      '#!/usr/bin/python3 -m',
      '#!/usr/bin/python3 -Wignore',
      '#!/usr/bin/python3 script.py',
      '\u007fELF\u0002\u0001\u0001',
      '',
    ]) {
      expect(pythonInterpreterOf(line), JSON.stringify(line)).toBeUndefined()
    }
  })

  it('splits a #! line as the kernel does: the program, then the rest as one argument', () => {
    expect(parseShebang('#!/usr/bin/env python3')).toEqual({program: '/usr/bin/env', argument: 'python3'})
    expect(parseShebang('#!/bin/bash')).toEqual({program: '/bin/bash', argument: undefined})
    expect(parseShebang('# not a shebang')).toBeUndefined()
  })
})

describe('launching a script with the cyclic collector off', () => {
  it('runs the script through its interpreter and option, with its own arguments after it', () => {
    const argv = withoutCyclicGc({program: '/usr/bin/python3', args: ['-s']}, '/usr/bin/pylint', ['--rcfile', 'a b.cfg', 'ünï.py'])
    expect(argv.slice(0, 3)).toEqual(['/usr/bin/python3', '-s', '-c'])
    expect(argv[3]).toContain('gc.disable()')
    expect(argv.slice(4)).toEqual(['/usr/bin/pylint', '--rcfile', 'a b.cfg', 'ünï.py'])
  })
})
