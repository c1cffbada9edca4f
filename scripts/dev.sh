#!/usr/bin/env bash
# `pnpm dev`: the whole system on this machine, for development.
#
#   1. loads .env (if present), checks that PostgreSQL and Redis are reachable (starts the local
#      ones when they are installed but stopped),
#   2. creates the database of DATABASE_URL if missing, applies migrations, seeds reference data,
#   3. starts the services with prefixed, coloured, human-readable logs (the client bot too when
#      CLIENT_BOT_TOKEN is set). Without bot tokens it also starts the sandbox (services/sandbox:
#      a local Bot API for the three bots, a fake SMS provider and a web chat,
#      http://127.0.0.1:8095) and seeds the demo people (pnpm db:seed:demo). Ctrl-C stops
#      everything gracefully.
#
# Services run with `node --import tsx` (tsx's loader in the service's own process, exactly like
# `tsx file.ts` but without tsx's wrapper process), so each gets one signal on Ctrl-C and
# drains cleanly instead of being killed by a second relayed signal.
#
# package.json runs this script as `exec bash scripts/dev.sh`: pnpm's `sh -c` is replaced by
# bash, so the Ctrl-C that the terminal also sends to that shell cannot kill it, and pnpm sees
# this script's own exit code (0 after a clean stop) instead of "ELIFECYCLE Command failed".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=../infra/scripts/local-services.sh
. infra/scripts/local-services.sh

if [ -f .env ]; then
  fs_info "loading .env (variables already exported in your shell take precedence)"
  shell_env=$(export -p)
  set -a
  # shellcheck disable=SC1091
  . ./.env
  set +a
  eval "$shell_env" 2>/dev/null || true
  unset shell_env
else
  fs_info "no .env file: using defaults (copy .env.example to .env to change them)"
fi

export DATABASE_URL=${DATABASE_URL:-$FS_PG_DEFAULT_URL}
export REDIS_URL=${REDIS_URL:-$FS_REDIS_DEFAULT_URL}
export NODE_ENV=${NODE_ENV:-development}
export LOG_PRETTY=true
# One HTTP port per service (health, metrics, webhook). A single HTTP_PORT from .env would make
# the four collide, so it is ignored here; change the ports with these variables instead.
unset HTTP_PORT
ADMIN_BOT_PORT=${ADMIN_BOT_PORT:-8081}
MASTER_BOT_PORT=${MASTER_BOT_PORT:-8082}
SCHEDULER_PORT=${SCHEDULER_PORT:-8083}
SENDER_PORT=${SENDER_PORT:-8084}
CLIENT_BOT_PORT=${CLIENT_BOT_PORT:-8085}
# FAKE_TELEGRAM_PORT: the older name of the same port, still honoured.
export SANDBOX_API_PORT=${SANDBOX_API_PORT:-${FAKE_TELEGRAM_PORT:-8090}}
export SANDBOX_WEB_PORT=${SANDBOX_WEB_PORT:-8095}
export SANDBOX_SMS_PORT=${SANDBOX_SMS_PORT:-8091}
# The web chat acts as anyone in the database: its API needs this run's token (in the link).
export SANDBOX_TOKEN=${SANDBOX_TOKEN:-$(node -e "process.stdout.write(require('crypto').randomBytes(18).toString('base64url'))")}
SANDBOX_URL="http://127.0.0.1:${SANDBOX_WEB_PORT}/?token=${SANDBOX_TOKEN}"

fs_section "dependencies"
if [ ! -x node_modules/.bin/tsx ] || [ ! -x node_modules/.bin/concurrently ]; then
  fs_info "node_modules missing: running pnpm install"
  pnpm install --frozen-lockfile
fi
fs_ensure_postgres "$DATABASE_URL"
fs_ensure_redis "$REDIS_URL"

fs_section "telegram"
SANDBOX=false
if [ -n "${MASTER_BOT_TOKEN:-}" ] && [ -n "${ADMIN_BOT_TOKEN:-}" ]; then
  fs_info "mode: ${FS_BOLD}real Telegram${FS_RESET} — bots use MASTER_BOT_TOKEN / ADMIN_BOT_TOKEN from the environment"
  fs_info "Bot API at ${TELEGRAM_API_ROOT:-https://api.telegram.org}, BOT_MODE=${BOT_MODE:-polling}"
else
  missing=()
  [ -z "${MASTER_BOT_TOKEN:-}" ] && missing+=(MASTER_BOT_TOKEN)
  [ -z "${ADMIN_BOT_TOKEN:-}" ] && missing+=(ADMIN_BOT_TOKEN)
  fs_warn "${missing[*]} not set: the bots cannot talk to real Telegram without their tokens."
  fs_warn "  To use real Telegram: create two bots with @BotFather and put their tokens in .env."
  if [ -f services/sandbox/src/main.ts ]; then
    SANDBOX=true
    export TELEGRAM_API_ROOT="http://127.0.0.1:${SANDBOX_API_PORT}"
    export MASTER_BOT_TOKEN='111111:dev-master-token-placeholder'
    export ADMIN_BOT_TOKEN='222222:dev-admin-token-placeholder'
    # The client's channels (issue 17): the client bot on the same fake Bot API, and SMS through
    # the sandbox's fake SMSC (its messages are each client's 📱 SMS tab in the web chat).
    export CLIENT_BOT_TOKEN='333333:dev-client-token-placeholder'
    export CLIENT_BOT_USERNAME=fs_client_sandbox_bot
    export SMS_PROVIDER=smsc
    export SMSC_API_ROOT="http://127.0.0.1:${SANDBOX_SMS_PORT}"
    export SMSC_LOGIN=sandbox
    export SMSC_PASSWORD=sandbox-sms-password
    unset SMSC_API_KEY
    export BOT_MODE=polling
    fs_info "mode: ${FS_BOLD}sandbox${FS_RESET} — a local Bot API on $TELEGRAM_API_ROOT, placeholder tokens, polling."
    fs_info "  Nothing reaches real Telegram: you talk to both bots in the browser at ${FS_BOLD}${SANDBOX_URL}${FS_RESET}"
  else
    fs_error "The sandbox (services/sandbox) is not available in this checkout."
    fs_error "Set MASTER_BOT_TOKEN and ADMIN_BOT_TOKEN in .env (see .env.example) and run pnpm dev again."
    exit 1
  fi
fi

fs_section "database"
node infra/scripts/ensure-database.cjs "$DATABASE_URL"
pnpm -s db:migrate
pnpm -s db:seed
if [ "$SANDBOX" = true ]; then
  # The demo admin and masters, on shift in cities that work round the clock (docs/sandbox.md).
  pnpm -s db:seed:demo
fi

# The services' commands. Each is run by concurrently through /bin/sh; `exec` leaves one process.
run() { # run PORT ENTRY
  local wait=''
  if [ "$SANDBOX" = true ]; then
    # Bots call getMe at start-up: wait until the sandbox's Bot API listens.
    wait="until bash -c '</dev/tcp/127.0.0.1/${SANDBOX_API_PORT}' 2>/dev/null; do sleep 0.2; done; "
  fi
  printf '%sexec env HTTP_PORT=%s node --import tsx %s' "$wait" "$1" "$2"
}
names=(admin-bot master-bot scheduler sender)
colors=(blue magenta cyan green)
commands=(
  "$(run "$ADMIN_BOT_PORT" services/admin-bot/src/main.ts)"
  "$(run "$MASTER_BOT_PORT" services/master-bot/src/main.ts)"
  "$(run "$SCHEDULER_PORT" services/distribution-scheduler/src/main.ts)"
  "$(run "$SENDER_PORT" services/notifications-sender/src/main.ts)"
)
if [ -n "${CLIENT_BOT_TOKEN:-}" ]; then
  names+=(client-bot)
  colors+=(white)
  commands+=("$(run "$CLIENT_BOT_PORT" services/client-bot/src/main.ts)")
fi
if [ "$SANDBOX" = true ]; then
  names+=(sandbox)
  colors+=(yellow)
  commands+=("exec node --import tsx services/sandbox/src/main.ts")
fi

fs_section "services"
fs_info "admin-bot :$ADMIN_BOT_PORT  master-bot :$MASTER_BOT_PORT  distribution-scheduler :$SCHEDULER_PORT  notifications-sender :$SENDER_PORT${CLIENT_BOT_TOKEN:+  client-bot :$CLIENT_BOT_PORT}"
fs_info "each serves /health/live, /health/ready and /metrics on its port. Ctrl-C stops everything."
if [ "$SANDBOX" = true ]; then
  fs_info "sandbox: Bot API :$SANDBOX_API_PORT, SMS provider :$SANDBOX_SMS_PORT, web chat :$SANDBOX_WEB_PORT (walkthrough: docs/sandbox.md)"
  printf '\n  %s\n  %s\n\n' \
    "${FS_BOLD}Откройте ${SANDBOX_URL}${FS_RESET}" \
    "Выберите «Демо Админ», ➕ Новый заказ; затем откройте мастера с 🔴 значком и примите заказ."
fi

# The runner (concurrently's API, infra/scripts/dev-services.mjs) runs in its own process group
# (job control), so the terminal's Ctrl-C reaches only this script, which forwards one SIGINT:
# the runner passes it to each service once.
services=()
for i in "${!names[@]}"; do
  services+=("${names[$i]}" "${colors[$i]}" "${commands[$i]}")
done
set -m
node infra/scripts/dev-services.mjs "${services[@]}" </dev/null &
pid=$!
set +m

stopping=false
stop() {
  if [ "$stopping" = true ]; then return 0; fi
  stopping=true
  printf '\n'
  fs_info "stopping all services (graceful; they drain in-flight work)…"
  kill -INT "$pid" 2>/dev/null || true
}
trap stop INT TERM HUP

rc=0
while kill -0 "$pid" 2>/dev/null; do
  if wait "$pid"; then rc=0; else rc=$?; fi
done
# A signal-interrupted wait (128+n) is not the services' status: wait again for the real one.
if [ "$rc" -gt 128 ]; then wait "$pid" 2>/dev/null && rc=0 || rc=$?; fi
if [ "$stopping" = true ]; then
  if [ "$rc" -eq 0 ] || [ "$rc" -gt 128 ]; then
    fs_info "all services stopped"
    rc=0
  else
    fs_error "services stopped; one did not stop cleanly (its lines above say which)"
  fi
fi
exit "$rc"
