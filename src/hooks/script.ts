// The hook scripts cicd installs, and how to tell one of ours (current, outdated or edited by hand) from
// someone else's hook. A script is small POSIX sh: it runs a chained hook first, finds the project's cicd
// (node_modules/.bin, then PATH) and hands git's arguments (and, for pre-push, the ref lines on stdin) to
// `cicd hooks run`.
import {createHash} from 'node:crypto'

export type HookName = 'pre-push' | 'pre-commit'

/** pre-push always; pre-commit (a fast subset on the staged files) when asked for. */
export const HOOK_NAMES: readonly HookName[] = ['pre-push', 'pre-commit']

/** How the directory's hooks are run: by git itself, or by husky's wrapper (`sh -e .husky/<hook>`). */
export type HookStyle = 'git' | 'husky'

/** The suffix of the hook file that was there before cicd's, which cicd's hook runs first. */
export const CHAINED_SUFFIX = '.pre-cicd'

const MARKER = '# cicd-hook:'
const CHECKSUM_PLACEHOLDER = `sha256=${'0'.repeat(64)}`
const SCRIPT_VERSION = 1

export type HookFileState =
  | {kind: 'ours'; current: boolean; edited: false}
  | {kind: 'ours'; current: false; edited: true}
  | {kind: 'foreign'}

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** The previous hook runs the way it ran before: git runs it when executable, husky runs it with `sh -e`. */
const CHAINED_CALL: Record<HookStyle, {present: string; run: string}> = {
  git: {present: '[ -x "$chained" ]', run: '"$chained" "$@"'},
  husky: {present: '[ -f "$chained" ]', run: 'sh -e "$chained" "$@"'},
}

/** What each hook checks, how it is skipped, and what stops when cicd cannot be found. */
const HOOK_TEXT: Record<HookName, {what: string; skip: string; stops: string; once: string}> = {
  'pre-push': {
    what: 'checks exactly what is being pushed, with the branch policy of its destination.',
    skip: 'git push --no-verify, or CICD_SKIP=1 git push (CICD_SKIP=pylint,bandit skips single checks).',
    stops: 'push',
    once: 'Push once without checking:  git push --no-verify',
  },
  'pre-commit': {
    what: 'checks the staged content of the staged Python files with the file-local tools.',
    skip: 'git commit --no-verify, or CICD_SKIP=1 git commit (CICD_SKIP=bandit skips single checks).',
    stops: 'commit',
    once: 'Commit without checking:     git commit --no-verify',
  },
}

/** How to reach cicd and the chained hook: pre-push hands both git's ref lines on stdin; pre-commit has none. */
function invocation(hook: HookName, style: HookStyle): string {
  const chained = CHAINED_CALL[style]
  if (hook === 'pre-commit') {
    return `chained="$0${CHAINED_SUFFIX}"
if ${chained.present}; then
  ${chained.run} || exit $?
fi
${findCicd(hook)}
exec "$cicd" hooks run ${hook} "$@"
`
  }
  return `chained="$0${CHAINED_SUFFIX}"
chained_ran=
if ${chained.present}; then
  # git writes the pushed refs on stdin once; both hooks need them.
  refs=$(cat)
  if [ -n "$refs" ]; then refs="$refs
"; fi
  printf '%s' "$refs" | ${chained.run} || exit $?
  chained_ran=1
fi
${findCicd(hook)}
if [ -n "$chained_ran" ]; then
  printf '%s' "$refs" | "$cicd" hooks run ${hook} "$@"
else
  exec "$cicd" hooks run ${hook} "$@"
fi
`
}

const findCicd = (hook: HookName) => `
if [ -x node_modules/.bin/cicd ]; then
  cicd=node_modules/.bin/cicd
elif command -v cicd >/dev/null 2>&1; then
  cicd=cicd
else
  cat >&2 <<'MESSAGE'
cicd: the ${hook} hook cannot find cicd (it looked in node_modules/.bin and on PATH), so the ${HOOK_TEXT[hook].stops} stops here.
  Install it for the project:  npm install --save-dev cicd
  or for your user:            npm install --global cicd
  ${HOOK_TEXT[hook].once}
  Remove the hook:             cicd hooks uninstall
MESSAGE
  exit 1
fi
`

export function renderHookScript(hook: HookName, style: HookStyle): string {
  const body = `#!/bin/sh
# cicd ${hook} hook: ${HOOK_TEXT[hook].what}
# Installed by \`cicd hooks install\`; \`cicd hooks uninstall\` removes it and restores the hook it chained.
# Skip once: ${HOOK_TEXT[hook].skip}
# Edits to this file are detected: \`cicd hooks install\` will not overwrite them without --force.
${MARKER} ${hook} v${SCRIPT_VERSION} ${CHECKSUM_PLACEHOLDER}

${invocation(hook, style)}`
  return body.replace(CHECKSUM_PLACEHOLDER, `sha256=${checksum(body)}`)
}

/** Whether a hook file is cicd's (and whether it is the current script, or was edited) or someone else's. */
export function classifyHookFile(content: string, hook: HookName, style: HookStyle): HookFileState {
  const marker = content.split('\n').find((line) => line.startsWith(`${MARKER} ${hook} `))
  const recorded = marker?.match(/ sha256=([0-9a-f]{64})$/)?.[1]
  if (!marker || !recorded) return {kind: 'foreign'}
  const unedited = content.replace(`sha256=${recorded}`, CHECKSUM_PLACEHOLDER)
  if (checksum(unedited) !== recorded) return {kind: 'ours', current: false, edited: true}
  return {kind: 'ours', current: content === renderHookScript(hook, style), edited: false}
}
