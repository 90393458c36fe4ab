#!/usr/bin/env bash
# Provisions the Docker engine the integration tests use (ENVIRONMENT.md): installs docker.io and
# mmdebstrap when missing, starts a private dockerd on unix:///run/cicd-test-docker.sock unless it
# already answers, and builds the test images when they are missing. Idempotent; run as root.
# The data root is kept between runs so that a second run reuses the images (vfs copies every layer).
set -euo pipefail

SOCKET=/run/cicd-test-docker.sock
DATA_ROOT=/var/lib/cicd-test-docker
EXEC_ROOT=/run/cicd-test-docker
PIDFILE=/run/cicd-test-docker.pid
LOG=/var/log/cicd-test-docker.log
TEST_IMAGE=cicd-test/python-tools:bookworm
TOOLS_IMAGE=cicd-tools:local
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
START=${EPOCHREALTIME/./}

say() { printf 'provision/docker: %s\n' "$*" >&2; }
# Microseconds since the epoch (bash 5), so timing needs no external tool.
now() { echo "${EPOCHREALTIME/./}"; }
elapsed() { local us=$(($(now) - $1)); printf '%d.%01ds' $((us / 1000000)) $((us % 1000000 / 100000)); }
engine() { DOCKER_HOST="unix://$SOCKET" docker "$@"; }
answers() { engine version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if [ "$(id -u)" -ne 0 ]; then
  say "run me as root (I install packages and start dockerd): sudo bash $0"
  exit 3
fi

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
if [ ${#missing[@]} -gt 0 ]; then
  t=$(now)
  # Refresh the package lists only when the cached ones cannot satisfy the install.
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  fi
  say "installed ${missing[*]} in $(elapsed "$t")"
fi

if answers; then
  say "engine already answers on $SOCKET"
else
  t=$(now)
  # A dockerd killed earlier leaves its pidfile and socket behind, and a new one refuses to start.
  if [ -f "$PIDFILE" ] && ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then rm -f "$PIDFILE"; fi
  if [ ! -f "$PIDFILE" ]; then rm -f "$SOCKET"; fi
  mkdir -p "$DATA_ROOT" "$EXEC_ROOT"
  setsid dockerd --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" --pidfile "$PIDFILE" \
    --storage-driver vfs --iptables=false --bridge=none -H "unix://$SOCKET" >>"$LOG" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    answers && break
    sleep 0.5
  done
  if ! answers; then
    say "dockerd did not answer on $SOCKET within 60 s; its log ($LOG) ends with:"
    tail -n 20 "$LOG" >&2 || true
    exit 3
  fi
  say "started dockerd on $SOCKET in $(elapsed "$t")"
fi

if engine image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
  say "image $TEST_IMAGE present"
else
  t=$(now)
  # No registry is reachable: the image is a Debian root filesystem built from Debian's archive (the
  # default mirror, deb.debian.org, is the one this machine's apt uses). Documentation is left out to
  # keep the image small, since vfs copies it for every container.
  mmdebstrap --quiet --variant=apt \
    --include=python3,flake8,pylint,black,isort,bandit,python3-pytest,python3-pytest-cov \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    bookworm - | engine import --change 'CMD ["/bin/bash"]' - "$TEST_IMAGE" >/dev/null
  say "built $TEST_IMAGE from Debian packages in $(elapsed "$t")"
fi

# The fixture Dockerfiles name the public base image; inside the test engine it is the Debian image.
if ! engine image inspect python:3.11-slim >/dev/null 2>&1; then
  engine tag "$TEST_IMAGE" python:3.11-slim
  say "tagged $TEST_IMAGE as python:3.11-slim"
fi

# cicd-tools:local, the configuration's default tools image: the Dockerfile that ships with cicd over the
# Debian image. This runs before `npm ci`, so it cannot call `cicd tools build`; without version arguments
# the Dockerfile keeps the tools the base carries (the pinned versions, which the tools-build test checks
# through `cicd tools build`).
if engine image inspect "$TOOLS_IMAGE" >/dev/null 2>&1; then
  say "image $TOOLS_IMAGE present"
else
  t=$(now)
  if ! output=$(DOCKER_BUILDKIT=0 engine build --build-arg "BASE=$TEST_IMAGE" -t "$TOOLS_IMAGE" \
      "$REPO_ROOT/assets/tools-image" 2>&1); then
    printf '%s\n' "$output" | tail -n 30 >&2
    say "building $TOOLS_IMAGE failed (output above)"
    exit 1
  fi
  say "built $TOOLS_IMAGE from assets/tools-image in $(elapsed "$t")"
fi

say "ready in $(elapsed "$START"); export DOCKER_HOST=unix://$SOCKET"
