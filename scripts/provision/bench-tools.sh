#!/usr/bin/env bash
# What `npm run bench` needs beyond the npm devDependencies (lefthook is one: its binary ships in the
# lefthook-<os>-<arch> package, no download): Debian's pre-commit, which the hook benchmarks compare with,
# and the Python tools every side runs. Idempotent: installs nothing when everything is present.
# The container-runner and image-build benchmarks also need the test engine and its images:
# scripts/provision/docker.sh and scripts/provision/test-images.sh provide them.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

say() { printf 'provision/bench-tools: %s\n' "$*" >&2; }

bash "$REPO_ROOT/scripts/provision/python-tools.sh"

if ! [ -x /usr/bin/pre-commit ]; then
  say "installing pre-commit (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq pre-commit >/dev/null
fi
say "pre-commit $(/usr/bin/pre-commit --version | cut -d' ' -f2) at /usr/bin/pre-commit"

lefthook="$REPO_ROOT/node_modules/lefthook-$(node -p 'process.platform + "-" + process.arch')/bin/lefthook"
if [ -x "$lefthook" ]; then
  say "lefthook $("$lefthook" version) at ${lefthook#"$REPO_ROOT"/}"
else
  say "lefthook is not installed yet: npm ci installs it (a devDependency)"
fi
