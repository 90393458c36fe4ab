// Cache keys change exactly when what decides a check's output changes: the tool, its configuration,
// cicd's settings, the file's content; and pylint's per-file key also when a module it imports changes,
// however indirectly, and not when an unrelated module does.
import {describe, expect, it} from 'vitest'

import {buildImportGraph, closureKeys} from '../../../src/cache/import-graph.js'
import {fileKey, type ScopeInput, scopeKey, wholeInputKey} from '../../../src/cache/keys.js'
import {scanImports, semanticDigest} from '../../../src/cache/python-imports.js'

const base: ScopeInput = {
  check: 'flake8',
  tool: {identity: 'local:/usr/bin/flake8:1234:5678', version: '5.0.4'},
  settings: {args: [], maxLineLength: 120},
  configFiles: ['setup.cfg', 'tox.ini', '.flake8'],
  contents: new Map([
    ['setup.cfg', 'aaa'],
    ['.flake8', 'bbb'],
    ['tox.ini', null],
  ]),
  cicdVersion: '0.1.0',
}

describe('scopeKey', () => {
  it('is stable for equal inputs, whatever the order of settings keys and config file names', () => {
    const reordered: ScopeInput = {
      ...base,
      settings: {maxLineLength: 120, args: []},
      configFiles: ['.flake8', 'tox.ini', 'setup.cfg'],
      contents: new Map([
        ['tox.ini', null],
        ['.flake8', 'bbb'],
        ['setup.cfg', 'aaa'],
      ]),
    }
    expect(scopeKey(reordered)).toBe(scopeKey(base))
  })

  it.each<[string, Partial<ScopeInput>]>([
    ['the tool version', {tool: {identity: base.tool.identity, version: '6.0.0'}}],
    ['the executable', {tool: {identity: 'local:/opt/venv/bin/flake8:1:2', version: '5.0.4'}}],
    ['a config file content', {contents: new Map([['setup.cfg', 'changed'], ['.flake8', 'bbb'], ['tox.ini', null]])}],
    ['a config file appearing', {contents: new Map([['setup.cfg', 'aaa'], ['.flake8', 'bbb'], ['tox.ini', 'ccc']])}],
    ['a config file disappearing', {contents: new Map([['setup.cfg', 'aaa'], ['.flake8', null], ['tox.ini', null]])}],
    ["cicd's settings", {settings: {args: ['--select=E'], maxLineLength: 120}}],
    ['the check', {check: 'black'}],
    ['the cicd version', {cicdVersion: '0.2.0'}],
  ])('changes with %s', (_, change) => {
    expect(scopeKey({...base, ...change})).not.toBe(scopeKey(base))
  })

  it('refuses a config file whose content was never read, which would hide its changes', () => {
    expect(() => scopeKey({...base, contents: new Map([['setup.cfg', 'aaa']])})).toThrow(/\.flake8 was not read/)
  })

  it('does not change when a file outside the config list changes', () => {
    const contents = new Map([...base.contents, ['src/app.py', 'ddd']])
    expect(scopeKey({...base, contents})).toBe(scopeKey(base))
  })
})

describe('fileKey and wholeInputKey', () => {
  const scope = scopeKey(base)

  it("a file's key changes with its content and path, not with other files", () => {
    expect(fileKey(scope, 'a.py', 'blob1')).not.toBe(fileKey(scope, 'a.py', 'blob2'))
    expect(fileKey(scope, 'a.py', 'blob1')).not.toBe(fileKey(scope, 'b.py', 'blob1'))
    expect(fileKey(scope, 'a.py', 'blob1')).toBe(fileKey(scope, 'a.py', 'blob1'))
  })

  it('the whole-input key covers every input, in any order', () => {
    const inputs: Array<[string, string]> = [
      ['a.py', '1'],
      ['b.py', '2'],
    ]
    expect(wholeInputKey(scope, inputs)).toBe(wholeInputKey(scope, [...inputs].reverse()))
    expect(wholeInputKey(scope, [['a.py', '1'], ['b.py', '3']])).not.toBe(wholeInputKey(scope, inputs))
    expect(wholeInputKey(scope, [['a.py', '1']])).not.toBe(wholeInputKey(scope, inputs))
    // A name and content that run together differently are still different inputs.
    expect(wholeInputKey(scope, [['a.py1', '']])).not.toBe(wholeInputKey(scope, [['a.py', '1']]))
  })
})

/** A small repository: app imports service, service imports models (transitively: app -> models). */
const SOURCES: Record<string, string> = {
  'pkg/__init__.py': '',
  'pkg/app.py': 'from pkg import service\n\ndef main():\n    return service.run()\n',
  'pkg/service.py': 'from .models import Order\n\ndef run():\n    return Order()\n',
  'pkg/models.py': 'class Order:\n    pass\n',
  'pkg/unrelated.py': 'import os\n',
  'tests/test_app.py': 'import pkg.app\n',
}

function deepKeys(sources: Record<string, string>) {
  const files = Object.keys(sources)
  const graph = buildImportGraph(files, (file) => scanImports(sources[file]))
  // The content stands in for a blob id.
  return closureKeys(graph.dependencies, (file) => sources[file], (file) => semanticDigest(sources[file]))
}

describe('closureKeys (pylint per-file keys)', () => {
  const before = deepKeys(SOURCES)

  it('changes for a file and every file importing it, transitively, when an imported module changes', () => {
    const after = deepKeys({...SOURCES, 'pkg/models.py': 'class Order:\n    def __init__(self, amount):\n        self.amount = amount\n'})
    for (const file of ['pkg/models.py', 'pkg/service.py', 'pkg/app.py', 'tests/test_app.py']) {
      expect(after.get(file), file).not.toBe(before.get(file))
    }
    expect(after.get('pkg/unrelated.py')).toBe(before.get('pkg/unrelated.py'))
    expect(after.get('pkg/__init__.py')).toBe(before.get('pkg/__init__.py'))
  })

  const changedFiles = (after: Map<string, string>) => [...after].filter(([file, key]) => before.get(file) !== key).map(([file]) => file)

  it('changes for nothing else when an unrelated module changes', () => {
    expect(changedFiles(deepKeys({...SOURCES, 'pkg/unrelated.py': 'import os\nimport sys\n'}))).toEqual(['pkg/unrelated.py'])
  })

  it('changes only for the file itself when an imported module changes in comments and blank lines only', () => {
    const commented = 'class Order:  # the order\n\n    # nothing yet\n    pass\n'
    expect(changedFiles(deepKeys({...SOURCES, 'pkg/models.py': commented}))).toEqual(['pkg/models.py'])
  })

  it('treats a type comment or a string as code, not as a comment', () => {
    const typed = deepKeys({...SOURCES, 'pkg/models.py': 'class Order:\n    pass  # type: ignore\n'})
    expect(typed.get('pkg/service.py')).not.toBe(before.get('pkg/service.py'))
    const hashInString = deepKeys({...SOURCES, 'pkg/models.py': 'class Order:\n    pass\nTAG = "# not a comment"\n'})
    expect(hashInString.get('pkg/service.py')).not.toBe(before.get('pkg/service.py'))
  })

  it('changes when an import starts resolving to a new first-party file', () => {
    const withImport = {...SOURCES, 'pkg/unrelated.py': 'import helpers\n'}
    const withoutHelper = deepKeys(withImport)
    const withHelper = deepKeys({...withImport, 'helpers.py': 'X = 1\n'})
    expect(withHelper.get('pkg/unrelated.py')).not.toBe(withoutHelper.get('pkg/unrelated.py'))
  })

  it('gives every member of an import cycle a key covering the whole cycle', () => {
    const cycle = {'a.py': 'import b\n', 'b.py': 'import c\n', 'c.py': 'import a\n', 'd.py': 'import a\n', 'e.py': ''}
    const first = deepKeys(cycle)
    const second = deepKeys({...cycle, 'c.py': 'import a\nX = 2\n'})
    expect(deepKeys({...cycle, 'c.py': 'import a  # back to a\n'}).get('a.py')).toBe(first.get('a.py'))
    for (const file of ['a.py', 'b.py', 'c.py', 'd.py']) expect(second.get(file), file).not.toBe(first.get(file))
    expect(second.get('e.py')).toBe(first.get('e.py'))
  })

  it('handles a chain of 20,000 imports without overflowing the stack', () => {
    const chain: Record<string, string> = {}
    for (let i = 0; i < 20_000; i++) chain[`m${i}.py`] = i + 1 < 20_000 ? `import m${i + 1}\n` : ''
    expect(deepKeys(chain).size).toBe(20_000)
  })
})
