// Reads the unified diffs black (`--check --diff`) and isort (`--check-only --diff`) print, so each hunk can
// become one finding at the first line it changes. Hunk bodies are consumed by the line counts in their
// `@@` headers, so a removed line that itself starts with `-- ` is never mistaken for a file header.

export interface DiffHunk {
  /** First line of the hunk in the original file (1-based). */
  oldStart: number
  /** Number of original lines the hunk spans. */
  oldLines: number
  /** The original file's line where the first change happens (1-based). */
  firstChangedLine: number
}

export interface FileDiff {
  /** The name in the `---` header, without the tab-separated timestamp (tool-specific suffixes kept). */
  name: string
  hunks: DiffHunk[]
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/

export function readUnifiedDiff(text: string): FileDiff[] {
  const lines = text.split(/\r?\n/)
  const files: FileDiff[] = []
  let current: FileDiff | undefined
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]
    if (line.startsWith('--- ') && lines[index + 1]?.startsWith('+++ ')) {
      current = {name: line.slice(4).split('\t')[0], hunks: []}
      files.push(current)
      index++
      continue
    }
    const header = HUNK_HEADER.exec(line)
    if (!header || !current) continue
    const oldStart = Number(header[1])
    const oldLines = header[2] === undefined ? 1 : Number(header[2])
    let oldLeft = oldLines
    let newLeft = header[4] === undefined ? 1 : Number(header[4])
    let oldLine = oldStart
    let firstChange: number | undefined
    while ((oldLeft > 0 || newLeft > 0) && index + 1 < lines.length) {
      const body = lines[++index]
      const marker = body[0] ?? ' '
      if (marker === '\\') continue
      if (marker === '-' || marker === '+') firstChange ??= oldLine
      if (marker !== '+') {
        oldLeft--
        oldLine++
      }
      if (marker !== '-') newLeft--
    }
    current.hunks.push({oldStart, oldLines, firstChangedLine: clampToHunk(firstChange ?? oldStart, oldStart, oldLines)})
  }
  return files
}

/** "lines 5-15": the original lines a hunk covers, for a finding's message. */
export function hunkRange(hunk: DiffHunk): string {
  return `lines ${hunk.oldStart}-${hunk.oldStart + Math.max(hunk.oldLines, 1) - 1}`
}

// An insertion after the last original line points one past the hunk; report the hunk's last line instead.
// With `-N,0` (nothing removed) the change goes after line N, or at the top of the file when N is 0.
function clampToHunk(line: number, oldStart: number, oldLines: number): number {
  if (oldLines === 0) return Math.max(oldStart, 1)
  return Math.min(line, oldStart + oldLines - 1)
}
