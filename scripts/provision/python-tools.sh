#!/usr/bin/env bash
# Installs the Python tools the static and test phases run, from Debian (PyPI is not reachable here).
# Idempotent: does nothing when they are all present.
set -euo pipefail
need=()
for tool in flake8 pylint black isort bandit; do
  [ -x "/usr/bin/$tool" ] || need+=("$tool")
done
/usr/bin/python3 -c 'import pytest, pytest_cov' 2>/dev/null || need+=(python3-pytest python3-pytest-cov)
command -v git >/dev/null || need+=(git)
if [ ${#need[@]} -gt 0 ]; then
  echo "provision: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq flake8 pylint black isort bandit python3-pytest python3-pytest-cov git >/dev/null
fi
echo "provision: python tools: flake8 $(/usr/bin/flake8 --version | cut -d' ' -f1), $(/usr/bin/pylint --version | head -1), $(/usr/bin/black --version | head -1), isort $(/usr/bin/isort --version-number 2>/dev/null || echo '?')"
