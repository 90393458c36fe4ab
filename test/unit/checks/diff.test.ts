import {describe, expect, it} from 'vitest'

import {hunkRange, readUnifiedDiff} from '../../../src/checks/diff.js'

describe('readUnifiedDiff', () => {
  it('finds each file and the first changed original line of each hunk', () => {
    const diff = [
      '--- a.py\t2026-11-26 17:08:24.204157 +0000',
      '+++ a.py\t2026-11-26 17:08:47.500010 +0000',
      '@@ -1,4 +1,5 @@',
      ' import os',
      '-x=1',
      '+x = 1',
      '+',
      ' y = 2',
      ' z = 3',
      '--- b.py:before\t2026-11-26',
      '+++ b.py:after\t2026-11-26',
      '@@ -10,3 +10,4 @@',
      ' a',
      ' b',
      ' c',
      '+d',
      '',
    ].join('\n')
    const files = readUnifiedDiff(diff)
    expect(files.map((file) => file.name)).toEqual(['a.py', 'b.py:before'])
    expect(files[0].hunks).toEqual([{oldStart: 1, oldLines: 4, firstChangedLine: 2}])
    // An insertion after the last original line is reported on that line.
    expect(files[1].hunks).toEqual([{oldStart: 10, oldLines: 3, firstChangedLine: 12}])
    expect(hunkRange(files[1].hunks[0])).toBe('lines 10-12')
  })

  it('does not take a removed line starting with "-- " for a file header', () => {
    const diff = ['--- q.sql.py\tx', '+++ q.sql.py\ty', '@@ -1,2 +1,2 @@', '--- comment', '+++ comment', ' SELECT 1', '--- r.py\tx', '+++ r.py\ty', '@@ -3 +3 @@', '-a', '+b'].join('\n')
    const files = readUnifiedDiff(diff)
    expect(files.map((file) => [file.name, file.hunks.map((hunk) => hunk.firstChangedLine)])).toEqual([
      ['q.sql.py', [1]],
      ['r.py', [3]],
    ])
  })

  it('handles an insertion into an empty file, CRLF line ends, and empty context lines', () => {
    expect(readUnifiedDiff('--- e.py\tx\r\n+++ e.py\ty\r\n@@ -0,0 +1,2 @@\r\n+a\r\n+b\r\n')[0].hunks[0].firstChangedLine).toBe(1)
    expect(readUnifiedDiff('--- c.py\tx\n+++ c.py\ty\n@@ -1,3 +1,3 @@\n\n\n-x\n+y\n')[0].hunks[0].firstChangedLine).toBe(3)
  })
})
