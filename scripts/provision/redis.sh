#!/usr/bin/env bash
# Installs redis-server from Debian for the `redis` checks of `cicd verify`. Only the binary is needed: the
# tests start private servers on free loopback ports with their own directories, so the service Debian
# enables must not start (it would hold port 6379). Idempotent; run as root.
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  echo "provision/redis.sh must run as root (it installs packages)" >&2
  exit 3
fi

if ! command -v redis-server >/dev/null; then
  apt-get update -qq
  # policy-rc.d keeps the package's service from starting on the default port.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi

echo "redis-server: $(redis-server --version)"
