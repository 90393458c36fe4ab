// Splits a file list for file-local tools: enough batches to keep every core busy, none whose argv could
// overflow the kernel's argument limit (a repository of thousands of files).

/** Linux allows about 2 MiB of argv+environment; stay far below so a large environment never matters. */
const MAX_ARGV_BYTES = 96 * 1024
/** Below this many files a batch is not worth a process start (each Python tool pays ~0.2-0.4 s to start). */
const MIN_FILES_PER_BATCH = 40

export function splitIntoBatches(files: string[], parallelism: number): string[][] {
  if (files.length === 0) return []
  const wanted = Math.max(1, Math.min(parallelism, Math.floor(files.length / MIN_FILES_PER_BATCH)))
  const perBatch = Math.ceil(files.length / wanted)
  const batches: string[][] = []
  let current: string[] = []
  let bytes = 0
  for (const file of files) {
    const size = Buffer.byteLength(file) + 1
    if (current.length > 0 && (current.length >= perBatch || bytes + size > MAX_ARGV_BYTES)) {
      batches.push(current)
      current = []
      bytes = 0
    }
    current.push(file)
    bytes += size
  }
  batches.push(current)
  return batches
}
