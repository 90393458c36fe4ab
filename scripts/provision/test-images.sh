#!/usr/bin/env bash
# The extra images the build and scan tests need in the test engine (run after docker.sh): the public base
# names the example platform's Dockerfiles use, and the Trivy STAND-IN scanner image built from
# test/fixtures/trivy-stand-in. Idempotent: the stand-in is rebuilt only when its sources change (their hash
# is a label on the image).
#
# The base names point at a tiny imported root filesystem, not at the 233 MB Debian image: the fixture
# Dockerfiles only COPY, LABEL, ENV and set USER/WORKDIR (no RUN), and the vfs storage driver copies the
# whole parent filesystem for every build step, which made one parallel build of the three images take
# three minutes on the Debian base and a few seconds on this one.
set -euo pipefail

SOCKET=${DOCKER_HOST:-unix:///run/cicd-test-docker.sock}
BASE=cicd-test/python-tools:bookworm
STAND_IN=cicd-test/trivy-stand-in:1
TINY=cicd-test/tiny-base:1
FIXTURES="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../test/fixtures" && pwd)"
# The bases of test/fixtures/data-platform/docker/*/Dockerfile.
BASE_NAMES=(apache/airflow:3.1.0-python3.10 bitnami/spark:3.5.0 flink:1.18-java11)

say() { printf 'provision/test-images: %s\n' "$*" >&2; }
engine() { DOCKER_HOST="$SOCKET" docker "$@"; }

if ! engine image inspect "$BASE" >/dev/null 2>&1; then
  say "$BASE is missing from $SOCKET: run scripts/provision/docker.sh first"
  exit 3
fi

if ! engine image inspect "$TINY" >/dev/null 2>&1; then
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/opt"
  chmod 1777 "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\n' >"$rootfs/etc/group"
  printf 'PRETTY_NAME="cicd test base (Debian 12 stand-in)"\nID=debian\nVERSION_ID="12"\n' >"$rootfs/etc/os-release"
  tar -C "$rootfs" -c . | engine import - "$TINY" >/dev/null
  say "imported $TINY"
fi
tiny_id=$(engine image inspect --format '{{.Id}}' "$TINY")
for name in "${BASE_NAMES[@]}"; do
  if [ "$(engine image inspect --format '{{.Id}}' "$name" 2>/dev/null || true)" != "$tiny_id" ]; then
    engine tag "$TINY" "$name"
    say "tagged $TINY as $name"
  fi
done

sources_hash=$(cat "$FIXTURES/trivy-stand-in/Dockerfile" "$FIXTURES/trivy-stand-in/stand_in_trivy.py" "$FIXTURES"/tool-outputs/trivy/* | sha256sum | cut -c1-16)
current=$(engine image inspect --format '{{index .Config.Labels "dev.cicd.stand-in-sources"}}' "$STAND_IN" 2>/dev/null || true)
if [ "$current" = "$sources_hash" ]; then
  say "image $STAND_IN present"
else
  # The classic builder, as docker.sh uses; the context is test/fixtures (the script and the recorded reports).
  if ! output=$(DOCKER_BUILDKIT=0 engine build --label "dev.cicd.stand-in-sources=$sources_hash" -t "$STAND_IN" \
      -f "$FIXTURES/trivy-stand-in/Dockerfile" "$FIXTURES" 2>&1); then
    printf '%s\n' "$output" | tail -n 30 >&2
    say "building $STAND_IN failed (output above)"
    exit 1
  fi
  say "built $STAND_IN (the Trivy STAND-IN)"
fi
