// Requirement files for gate 2: which requirements are not pinned to one version (CI's builds must be
// reproducible), and the package names the license check looks up.

export interface Requirement {
  file: string
  line: number
  name: string
  /** The specifier as written: "==1.2.3", ">=2", "" (none). */
  specifier: string
  pinned: boolean
}

const NAME = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$/

export function readRequirements(file: string, text: string): Requirement[] {
  const requirements: Requirement[] = []
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    // Comments, options (-r, -c, --hash continuation lines, -e) and URLs are not simple requirements.
    const line = raw.replace(/\s+#.*$/, '').replace(/\\$/, '').trim()
    if (line === '' || line.startsWith('#') || line.startsWith('-') || /^[a-z+]+:\/\//i.test(line)) continue
    const match = NAME.exec(line.split(';')[0].trim())
    if (!match) continue
    const specifier = match[3].trim()
    const pinned = /^={2,3}\s*[^*,\s]+$/.test(specifier)
    requirements.push({file, line: index + 1, name: match[1].toLowerCase().replaceAll('_', '-'), specifier, pinned})
  }
  return requirements
}
