#!/usr/bin/env node
// Two commands can answer before the CLI framework loads: the pre-push hook, when the pushed content already
// passed (dist/hooks/fast-path.js), and `cicd check`, when nothing it depends on changed since a run the
// result cache answered in full (dist/replay/fast-path.js). Otherwise, and for every other command, oclif runs.
const [command, sub, hook, ...rest] = process.argv.slice(2)
let answered = false
if (command === 'hooks' && sub === 'run' && hook === 'pre-push') {
  const {answeredFromVerdicts} = await import('../dist/hooks/fast-path.js')
  if (await answeredFromVerdicts(rest)) process.exit(0)
} else if (command === 'check') {
  const {replayedCheck} = await import('../dist/replay/fast-path.js')
  const exitCode = await replayedCheck(process.argv.slice(3))
  if (exitCode !== undefined) process.exitCode = exitCode
  answered = exitCode !== undefined
}
if (!answered) {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
