#!/usr/bin/env bash
# `pnpm test:containers`: builds the images and runs the compose stack end to end
# (test/containers/run.ts says what it checks). Needs a running Docker engine and Compose
# (v2 `docker compose` or v1.29 `docker-compose`); `.ci/run` installs and starts both when
# missing. Base images (node, debian, postgres, redis, prometheus, alertmanager) are pulled
# when a registry answers, else built as stand-ins from Debian's packages
# (infra/scripts/local-images.sh). The last line is "containers: N passed, N failed".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=../infra/scripts/local-services.sh
. infra/scripts/local-services.sh

if ! command -v docker >/dev/null 2>&1 || ! timeout 10 docker info >/dev/null 2>&1; then
  fs_error "no Docker engine answers (docker info): start one (as root: dockerd --iptables=false &), or run .ci/run"
  exit 1
fi

missing=() standins=()
for image in $(bash infra/scripts/local-images.sh --list); do
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    missing+=("$image")
  elif [ -n "$(docker image inspect -f '{{ index .Config.Labels "org.field-service.stand-in" }}' "$image")" ]; then
    standins+=("$image")
  fi
done
if [ "${#missing[@]}" -gt 0 ] && timeout 120 docker pull -q "${missing[0]}" >/dev/null 2>&1; then
  fs_info "pulling the base images: ${missing[*]}"
  for image in "${missing[@]:1}"; do docker pull -q "$image" >/dev/null; done
  missing=()
fi
if [ "${#missing[@]}" -gt 0 ] || [ "${#standins[@]}" -gt 0 ]; then
  # No registry (missing images), or stand-ins that may be stale: the script rebuilds what changed.
  [ "${#missing[@]}" -gt 0 ] && fs_warn "cannot pull ${missing[*]}: building stand-ins from Debian's packages"
  bash infra/scripts/local-images.sh
fi

exec node_modules/.bin/tsx test/containers/run.ts
