#!/usr/bin/env bash
# `pnpm test:alerts`: checks the Prometheus scrape config and alert rules and runs the rules'
# unit tests (infra/prometheus/alerts.test.yml) with promtool, and the Alertmanager config
# (infra/alertmanager, rendered with example values) with amtool. promtool ships with
# Prometheus, amtool with Alertmanager; when one is missing and apt-get is usable (CI, a root
# shell), Debian's `prometheus` / `prometheus-alertmanager` package is installed for it (no
# daemon is started). That the alerts reach a chat is pnpm test:containers' job.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT/infra/prometheus"

# need TOOL DEBIAN_PACKAGE
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "$1 not found: installing Debian's $2 package for it"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends "$2" >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null && apt-get install -y --no-install-recommends "$2" >/dev/null; }
  else
    echo "$1 not found: install $2 (it ships $1) and run again" >&2
    exit 1
  fi
}
need promtool prometheus
need amtool prometheus-alertmanager

promtool check config prometheus.yml
promtool check rules alerts.yml
promtool test rules alerts.test.yml

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The Kubernetes scrape config (infra/k8s/monitoring), with the rules where the pod mounts them.
sed "s|/etc/prometheus-rules/alerts.yml|$PWD/alerts.yml|" "$ROOT/infra/k8s/monitoring/prometheus.yml" >"$tmp/k8s-prometheus.yml"
if ! out=$(promtool check config "$tmp/k8s-prometheus.yml" 2>&1); then
  if grep -q 'field kubernetes_sd_configs not found' <<<"$out"; then
    # Debian's prometheus is built without Kubernetes service discovery.
    echo "infra/k8s/monitoring/prometheus.yml NOT checked: this promtool has no kubernetes_sd_configs"
  else
    echo "$out" >&2
    exit 1
  fi
else
  echo "$out"
fi

# Alertmanager: its config as render.sh writes it (example chat and token), templates from here.
ALERTS_TELEGRAM_CHAT_ID=-1001234567890 ALERTS_TELEGRAM_BOT_TOKEN=123456:example-token-for-checks \
  TMPDIR=$tmp RENDER_ONLY=1 sh "$ROOT/infra/alertmanager/render.sh"
sed -i "s|/etc/alertmanager/|$ROOT/infra/alertmanager/|" "$tmp/alertmanager.yml"
amtool check-config "$tmp/alertmanager.yml"
