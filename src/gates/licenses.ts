// Licenses of the required packages, for gate 2's allowlist: read from the installed distributions'
// metadata (License, else the "License ::" classifiers) with the Python that runs the tools.
import {execFile} from '../adapters/process.js'

const SCRIPT = `
import json, sys
from importlib import metadata
out = {}
for name in sys.argv[1:]:
    try:
        meta = metadata.metadata(name)
    except metadata.PackageNotFoundError:
        continue
    classifiers = [c.split("::")[-1].strip() for c in (meta.get_all("Classifier") or []) if c.startswith("License ::")]
    value = (meta.get("License") or "").strip()
    out[name] = classifiers[0] if classifiers else (value.splitlines()[0] if value and value != "UNKNOWN" else None)
print(json.dumps(out))
`

/** License by package name; a package missing from the result is not installed where `python` looks. */
export async function readInstalledLicenses(python: string, packages: string[], cwd: string): Promise<Record<string, string | null>> {
  if (packages.length === 0) return {}
  const output = await execFile(python, ['-c', SCRIPT, ...packages], {cwd, timeoutMs: 30_000})
  if (output.exitCode !== 0) throw new Error(`${python} could not read package metadata: ${output.stderr.trim()}`)
  return JSON.parse(output.stdout) as Record<string, string | null>
}
