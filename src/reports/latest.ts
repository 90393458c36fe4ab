// `.cicd/reports/latest`: a symlink to the newest run's folder (a file naming it where symlinks are not
// allowed). Apart from the report writers, so that a replayed run (replay/) can point it at the folder of
// the run it repeats without loading them.
import {readdir, readFile, readlink, rename, rm, symlink, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {CicdError, ExitCode} from '../errors.js'

const LATEST = 'latest'
/** A run folder's name (newRunId). */
export const RUN_ID = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/

/** Replaces `latest` in one rename, so a reader never sees it missing. */
export async function pointLatest(reportsDir: string, runId: string): Promise<void> {
  const temporary = path.join(reportsDir, `.${LATEST}-${runId}`)
  await rm(temporary, {force: true})
  try {
    await symlink(runId, temporary)
  } catch {
    await writeFile(temporary, `${runId}\n`)
  }
  await rename(temporary, path.join(reportsDir, LATEST))
}

/** The newest run's folder; a CicdError that says how to make one when there is none. */
export async function latestReportDir(reportsDir: string): Promise<string> {
  const pointer = path.join(reportsDir, LATEST)
  const runId = await readlink(pointer).catch(async () => (await readFile(pointer, 'utf8').catch(() => '')).trim())
  if (!runId || !RUN_ID.test(path.basename(runId))) {
    throw new CicdError(`No build report yet in ${reportsDir}.`, {
      exitCode: ExitCode.usage,
      nextSteps: ['Run cicd check: every run writes its report there'],
    })
  }
  const dir = path.resolve(reportsDir, runId)
  const exists = await readdir(dir).then(
    () => true,
    () => false,
  )
  if (!exists) {
    throw new CicdError(`The latest report (${runId}) was removed from ${reportsDir}.`, {exitCode: ExitCode.usage, nextSteps: ['Run cicd check again']})
  }
  return dir
}
