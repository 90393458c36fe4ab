#!/usr/bin/env bash
# Makes nginx available for cicd's blue-green tests. It does not start the system service: each test runs
# its own nginx master with a private prefix, config and loopback port, and cicd switches it by rewriting
# an upstream file and running `nginx -s reload` against that prefix. Idempotent. Run as root.
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  echo "provision/nginx.sh must run as root (it installs packages)" >&2
  exit 3
fi

if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
fi

# Debian's package may start the system nginx on port 80; the tests do not need it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
  systemctl stop nginx || true
fi

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
echo "nginx is available: $("$NGINX" -v 2>&1)"
echo "Tests start a private instance: $NGINX -p <dir> -c <dir>/nginx.conf, switched with: $NGINX -p <dir> -c <dir>/nginx.conf -s reload"
