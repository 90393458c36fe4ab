// The import scanner on the Python a real repository holds: every import statement wherever it appears,
// and nothing from strings or comments.
import {describe, expect, it} from 'vitest'

import {scanImports} from '../../../src/cache/python-imports.js'

const modules = (source: string) => scanImports(source).map((s) => `${'.'.repeat(s.level)}${s.module}${s.names ? `:${s.names.join(',')}` : ''}`)

describe('scanImports', () => {
  it('reads plain imports with dotted names, aliases and several modules on one line', () => {
    expect(modules('import os\nimport a.b.c as abc, d\nimport e as f, g.h\n')).toEqual(['os', 'a.b.c', 'd', 'e', 'g.h'])
  })

  it('reads from-imports, relative ones at any level, and `from . import x`', () => {
    expect(modules('from a.b import c, d as e\nfrom . import x\nfrom .. import y\nfrom ...pkg.sub import z\nfrom .mod import *\n')).toEqual([
      'a.b:c,d',
      '.:x',
      '..:y',
      '...pkg.sub:z',
      '.mod:*',
    ])
  })

  it('joins parenthesised imports over several lines, with comments and a trailing comma inside', () => {
    const source = 'from pkg.mod import (\n    first,  # the first\n    second as two,\n    third,\n)\nx = 1\n'
    expect(modules(source)).toEqual(['pkg.mod:first,second,third'])
  })

  it('follows backslash continuations', () => {
    expect(modules('from pkg import a, \\\n    b\nimport c, \\\n    d\n')).toEqual(['pkg:a,b', 'c', 'd'])
  })

  it('finds imports inside functions, under `if TYPE_CHECKING:`, in try blocks and after `;` or `:` on one line', () => {
    const source = [
      'from typing import TYPE_CHECKING',
      'if TYPE_CHECKING:',
      '    from app.models import User',
      'def load():',
      '    import json',
      '    return json',
      'try: import ujson as json',
      'except ImportError: json = None',
      'x = 1; import late',
      'if True: from . import sibling',
    ].join('\n')
    expect(modules(source)).toEqual(['typing:TYPE_CHECKING', 'app.models:User', 'json', 'ujson', 'late', '.:sibling'])
  })

  it('ignores strings, docstrings, f-strings, byte strings and comments that look like imports', () => {
    const source = [
      '"""Module doc.',
      'import not_a_module',
      'from fake import thing',
      '"""',
      "s = 'import nope'",
      'b = rb"from x import y"',
      "f = f'{value} import also_not'",
      '# import commented',
      "t = '''",
      'from nowhere import nothing',
      "'''",
      'import real  # from comment import ignored',
    ].join('\n')
    expect(modules(source)).toEqual(['real'])
  })

  it('does not take `raise ... from` or `yield from` for an import', () => {
    expect(modules('try:\n    pass\nexcept E as err:\n    raise Other() from err\nimport after\ndef g():\n    yield from items\n')).toEqual(['after'])
  })

  it('does not read `importlib.import_module` or attribute names as import statements', () => {
    expect(modules('import importlib\nmod = importlib.import_module("pkg.dynamic")\nvalue = 1.5\n')).toEqual(['importlib'])
  })

  it('reads Windows line endings and non-ASCII identifiers', () => {
    expect(modules('from paquete import café\r\nimport módulo\r\n')).toEqual(['paquete:café', 'módulo'])
  })
})
