// The pre-push hook's fast path, taken before the CLI framework loads: when every pushed ref is content
// that already passed (the verdict cache), the push goes through in the time it takes git to answer a few
// questions. Anything else (a ref to check, a refusal, bad input, an error) falls back to the full command,
// which prints nothing twice: this path's output is held back until it knows it can answer alone.
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {openGitRepository} from '../adapters/git.js'
import {createTerminal, type Terminal} from '../adapters/terminal.js'
import {CleanupStack} from '../lifecycle/cleanup.js'
import {runPrePush, VerdictMiss} from '../services/hook-run.js'
import {hookInput} from './stdin.js'
import {cicdBuild} from '../cache/remembered-runs.js'
import {fileVerdictStore} from './verdicts.js'

function heldBack(terminal: Terminal): {terminal: Terminal; flush(): void} {
  const lines: string[] = []
  return {
    terminal: {...terminal, out: (text) => lines.push(text), error: (text) => lines.push(text)},
    flush: () => {
      for (const line of lines) terminal.error(line)
    },
  }
}

/** True when the push is answered (every ref already passed); false when the full command must run. */
export async function answeredFromVerdicts(args: string[]): Promise<boolean> {
  const [remote, url] = args
  if (remote === undefined || args.length > 2 || process.env.CICD_RECHECK) return false
  try {
    const git = openGitRepository(process.cwd())
    const packageRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
    const [input, commonDir, build] = await Promise.all([hookInput(), git.commonDir(), cicdBuild(packageRoot)])
    if (input === undefined) return false
    const output = heldBack(createTerminal())
    const result = await runPrePush({
      git,
      remote,
      url: url ?? remote,
      input,
      skipEnv: process.env.CICD_SKIP,
      check: () => Promise.reject(new VerdictMiss()),
      loadPolicy: () => Promise.reject(new VerdictMiss()),
      tempDir: os.tmpdir(),
      bin: 'cicd',
      cleanup: new CleanupStack(),
      terminal: output.terminal,
      verdicts: fileVerdictStore(path.join(commonDir, 'cicd', 'verdicts')),
      onlyKnownVerdicts: true,
      cicdVersion: build,
    })
    if (result.exitCode !== 0) return false
    output.flush()
    return true
  } catch {
    return false
  }
}
