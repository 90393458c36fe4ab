#!/usr/bin/env bash
# Installs what the metrics tests check cicd's Prometheus output against: promtool (from Debian's
# `prometheus` package) parses the textfile exposition with Prometheus' own parser, and the Pushgateway
# (`prometheus-pushgateway`) receives `cicd metrics --pushgateway`. Only the binaries are needed: the tests
# start a private Pushgateway on a loopback port, so the services Debian enables are stopped again.
# Idempotent; run as root.
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  echo "provision/prometheus.sh must run as root (it installs packages)" >&2
  exit 3
fi

if ! command -v promtool >/dev/null || [[ ! -x /usr/bin/prometheus-pushgateway ]]; then
  apt-get update -qq
  # policy-rc.d keeps the packages' services from starting on the default ports (9090, 9091).
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus prometheus-pushgateway >/dev/null
fi

echo "promtool: $(promtool --version 2>&1 | head -1)"
echo "pushgateway: $(/usr/bin/prometheus-pushgateway --version 2>&1 | head -1)"
