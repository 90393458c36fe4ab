// Hard-coded secrets in tracked files, for gate 1: a small detector that prefers missing a clever secret to
// crying wolf. It looks for AWS access key ids and secret keys, private key headers, password literals, and
// long high-entropy strings assigned to secret-sounding names. A finding never carries the secret: only a
// redacted preview (its first characters and its length).
import type {Finding} from '../checks/types.js'

interface Rule {
  id: string
  what: string
  pattern: RegExp
  /** The capture group holding the secret itself. */
  group: number
  accept?: (secret: string) => boolean
}

const PLACEHOLDER = /^(?:\$\{.*\}|\{\{.*\}\}|%\(.*\)s|<.*>|\*+|x+|\.+|changeme_?placeholder|none|null|password|secret|example|dummy|test|your[_-].*)$/i

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>()
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1)
  let bits = 0
  for (const count of counts.values()) {
    const p = count / text.length
    bits -= p * Math.log2(p)
  }
  return bits
}

const RULES: Rule[] = [
  {id: 'aws-access-key-id', what: 'AWS access key id', pattern: /\b((?:AKIA|ASIA)[0-9A-Z]{16})\b/g, group: 1},
  {
    id: 'aws-secret-access-key',
    what: 'AWS secret access key',
    pattern: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    group: 1,
  },
  {
    id: 'private-key',
    what: 'private key',
    pattern: /(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)/g,
    group: 1,
  },
  {
    id: 'password-literal',
    what: 'password literal',
    pattern: /\b(?:password|passwd|pwd|db_pass(?:word)?)["']?\s*[:=]\s*(["'])([^"'\s]{4,})\1/gi,
    group: 2,
    accept: (secret) => !PLACEHOLDER.test(secret),
  },
  {
    id: 'high-entropy-secret',
    what: 'secret-looking token',
    pattern: /\b[\w-]*(?:secret|token|api_?key|apikey|access_?key|private_?key|auth_?key|client_?secret|signing_?key)[\w-]*["']?\s*[:=]\s*(["'])([A-Za-z0-9+/=_.-]{20,})\1/gi,
    group: 2,
    accept: (secret) => !PLACEHOLDER.test(secret) && entropy(secret) >= 3.5 && /\d/.test(secret) && /[A-Za-z]/.test(secret),
  },
]

/** A line carrying this marker is a reviewed false positive. */
const ALLOW_MARKER = /cicd:\s*allow-secret|#\s*nosec\b/

export function redact(secret: string): string {
  return secret.startsWith('-----BEGIN') ? secret : `${secret.slice(0, 4)}… (${secret.length} characters)`
}

/** Findings for one file's text; binary files (a NUL byte) are skipped. */
export function findSecrets(file: string, text: string): Finding[] {
  if (text.includes('\u0000')) return []
  const findings: Finding[] = []
  const lines = text.split(/\r?\n/)
  for (const [index, line] of lines.entries()) {
    if (ALLOW_MARKER.test(line)) continue
    const claimed = new Set<number>()
    for (const rule of RULES) {
      for (const match of line.matchAll(rule.pattern)) {
        const secret = match[rule.group]
        const column = (match.index ?? 0) + match[0].indexOf(secret) + 1
        // One finding per place: an AWS key inside a password literal is reported once, by the first rule.
        if (claimed.has(column) || (rule.accept && !rule.accept(secret))) continue
        claimed.add(column)
        findings.push({
          tool: 'secrets',
          rule: rule.id,
          severity: 'error',
          file,
          line: index + 1,
          column,
          message: `possible hard-coded ${rule.what}: ${redact(secret)}; move it to the environment or a secrets manager`,
        })
      }
    }
  }
  return findings
}

const MAX_FILE_BYTES = 1024 * 1024

/** Secrets in the given repository files (the tracked ones); files over 1 MiB are left out. */
export async function findSecretsInFiles(root: string, files: string[]): Promise<Finding[]> {
  const {readFile, stat} = await import('node:fs/promises')
  const path = await import('node:path')
  const findings: Finding[] = []
  for (const file of files) {
    const absolute = path.join(root, file)
    const info = await stat(absolute).catch(() => undefined)
    if (!info?.isFile() || info.size > MAX_FILE_BYTES) continue
    findings.push(...findSecrets(file, await readFile(absolute, 'utf8')))
  }
  return findings
}
