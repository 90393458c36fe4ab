#!/usr/bin/env node
// The pre-push hook runs on every push: when the pushed content already passed, it answers before the CLI
// framework loads (dist/hooks/fast-path.js); otherwise, and for every other command, oclif runs.
const [command, sub, hook, ...rest] = process.argv.slice(2)
if (command === 'hooks' && sub === 'run' && hook === 'pre-push') {
  const {answeredFromVerdicts} = await import('../dist/hooks/fast-path.js')
  if (await answeredFromVerdicts(rest)) process.exit(0)
}
const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
