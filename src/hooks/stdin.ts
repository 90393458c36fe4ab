// git's ref lines on the hook's stdin, read once per process: the fast path reads them first, and when it
// cannot answer, the full command needs the same lines (stdin cannot be read twice).
let input: Promise<string | undefined> | undefined

async function readAll(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** undefined when stdin is a terminal (a person ran the command, not git). */
export function hookInput(): Promise<string | undefined> {
  input ??= process.stdin.isTTY ? Promise.resolve(undefined) : readAll()
  return input
}
