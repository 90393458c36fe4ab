// What a Dockerfile builds on: the base images of its FROM lines (stage references and `scratch` left out,
// ARG defaults substituted), for the missing-base message and the base-image policy of gate 3.

export interface BaseImage {
  /** As written after substitution, e.g. "python:3.11-slim". */
  reference: string
  /** 1-based line of the FROM instruction. */
  line: number
}

const FROM = /^\s*FROM\s+(?:--platform=\S+\s+)?(?<image>\S+)(?:\s+AS\s+(?<stage>\S+))?\s*$/i
const ARG = /^\s*ARG\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:=(?<value>\S*))?\s*$/i

export function baseImages(dockerfile: string, buildArgs: Record<string, string> = {}): BaseImage[] {
  const args = new Map<string, string>()
  const stages = new Set<string>()
  const bases: BaseImage[] = []
  // Continuation lines are joined so an instruction split with `\` is read whole; line numbers stay the first line's.
  const lines = dockerfile.split(/\r?\n/)
  for (let index = 0; index < lines.length; index += 1) {
    const first = index
    let text = lines[index]
    while (text.endsWith('\\') && index + 1 < lines.length) {
      index += 1
      text = `${text.slice(0, -1)} ${lines[index]}`
    }
    const arg = ARG.exec(text)?.groups
    if (arg && bases.length === 0) {
      args.set(arg.name, buildArgs[arg.name] ?? unquote(arg.value ?? ''))
      continue
    }
    const from = FROM.exec(text)?.groups
    if (!from) continue
    const reference = from.image.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => args.get(name) ?? '')
    if (!stages.has(reference.toLowerCase()) && reference !== 'scratch') bases.push({reference, line: first + 1})
    if (from.stage) stages.add(from.stage.toLowerCase())
  }
  return bases
}

function unquote(value: string): string {
  return value.replace(/^(["'])(.*)\1$/, '$2')
}

export interface ParsedReference {
  /** "docker.io" when the reference names no registry. */
  registry: string
  repository: string
  tag?: string
  digest?: string
}

/** Splits an image reference the way the engine reads it: a first segment with a dot, a colon or "localhost" is a registry. */
export function parseReference(reference: string): ParsedReference {
  const [withoutDigest, digest] = reference.split('@', 2)
  const slash = withoutDigest.indexOf('/')
  const first = slash === -1 ? '' : withoutDigest.slice(0, slash)
  const hasRegistry = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost')
  const registry = hasRegistry ? first : 'docker.io'
  const rest = hasRegistry ? withoutDigest.slice(slash + 1) : withoutDigest
  const colon = rest.lastIndexOf(':')
  const tag = colon === -1 ? undefined : rest.slice(colon + 1)
  const repository = colon === -1 ? rest : rest.slice(0, colon)
  return {registry, repository, tag, digest}
}
