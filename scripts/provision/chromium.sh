#!/usr/bin/env bash
# Debian's chromium, for the test that renders the HTML build report headless (driven by playwright-core).
# Idempotent; run as root.
set -euo pipefail

say() { printf 'provision/chromium: %s\n' "$*" >&2; }

if [ -x /usr/bin/chromium ]; then
  say "chromium present ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  say "run me as root (I install a package): sudo bash $0"
  exit 3
fi
# Refresh the package lists only when the cached ones cannot satisfy the install.
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null
fi
say "installed $(/usr/bin/chromium --version)"
