// Path and text normalisation shared by the parsers. Tools print paths relative (`pkg/x.py`), with a leading
// `./` or `.\`, Windows-style (`.\src\x.py`), absolute (isort always; black and pylint when given absolute
// paths), and sometimes wrapped in ANSI colour codes; findings carry repository-relative, forward-slash paths.
import {posix} from 'node:path'

// CSI sequences (colours, bold) and OSC sequences (hyperlinks), the two kinds terminal-aware tools emit.
const ANSI_PATTERN = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)/g

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '')
}

/** Turns a path as a tool printed it into a repository-relative path with forward slashes. */
export function toRepoPath(printed: string, root: string): string {
  const path = stripAnsi(printed).replace(/\r$/, '').replaceAll('\\', '/')
  const base = root.replaceAll('\\', '/').replace(/\/+$/, '')
  if (isAbsolute(path)) {
    if (path === base) return '.'
    if (path.startsWith(`${base}/`)) return posix.normalize(path.slice(base.length + 1))
    // Outside the repository (a site-packages directory, another checkout): keep it, absolute.
    return path
  }
  return posix.normalize(path)
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path)
}

/** A file name as a command-line operand: one starting with `-` would be read as an option. */
export function asOperand(file: string): string {
  return file.startsWith('-') ? `./${file}` : file
}
