#!/usr/bin/env bash
# `pnpm test:alerts`: checks the Prometheus scrape config and alert rules and runs the rules'
# unit tests (infra/prometheus/alerts.test.yml) with promtool. promtool ships with Prometheus;
# when it is missing and apt-get is usable (CI, a root shell), the Debian `prometheus` package
# is installed for it (no daemon is started).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT/infra/prometheus"

if ! command -v promtool >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "promtool not found: installing Debian's prometheus package for it"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends prometheus >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null && apt-get install -y --no-install-recommends prometheus >/dev/null; }
  else
    echo "promtool not found: install Prometheus (it ships promtool) and run again" >&2
    exit 1
  fi
fi

promtool check config prometheus.yml
promtool check rules alerts.yml
promtool test rules alerts.test.yml
