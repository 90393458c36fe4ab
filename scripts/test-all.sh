#!/usr/bin/env bash
# The whole test suite on a fresh machine: provisions what the tests need (Python tools, a Docker engine
# with the test images, PostgreSQL, nginx) when it is missing, installs the npm packages, builds, and runs
# every test. Needs root for the provisioning steps (apt-get, dockerd).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
for step in scripts/provision/*.sh; do
  echo "== $step"
  bash "$step"
done
echo "== npm ci"
npm ci --no-audit --no-fund
echo "== build and test"
export DOCKER_HOST="${CICD_TEST_DOCKER_HOST:-unix:///run/cicd-test-docker.sock}"
npm test
echo "== whole suite took $(( $(date +%s) - started )) s"
