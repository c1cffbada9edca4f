#!/bin/sh
# Entry point of the Alertmanager container: Alertmanager reads no environment variables, so
# this writes its config from alertmanager.yml with the staff alert chat, the bot token and the
# Bot API root from the environment (.env), then runs Alertmanager with it. POSIX sh: runs in
# the official image (busybox) and in the stand-in (infra/scripts/local-images.sh).
set -eu
dir=$(dirname "$0")
chat=${ALERTS_TELEGRAM_CHAT_ID:-}
token=${ALERTS_TELEGRAM_BOT_TOKEN:-${ADMIN_BOT_TOKEN:-}}
api=${TELEGRAM_API_ROOT:-https://api.telegram.org}
fail() {
  echo "alertmanager: $*" >&2
  exit 1
}
case $chat in
  '' | *[!0-9-]*) fail "set ALERTS_TELEGRAM_CHAT_ID in .env: the staff alert chat's numeric id (e.g. -1001234567890)" ;;
esac
case $token in
  *[!0-9A-Za-z:_-]* | '') fail "set ALERTS_TELEGRAM_BOT_TOKEN (or ADMIN_BOT_TOKEN) in .env: a bot token 123456:ABC-…" ;;
  *:*) ;;
  *) fail "ALERTS_TELEGRAM_BOT_TOKEN does not look like a bot token (123456:ABC-…)" ;;
esac
case $api in
  http://* | https://*) ;;
  *) fail "TELEGRAM_API_ROOT must be an http(s) URL" ;;
esac
case $api in *'|'* | *'&'* | *'\'* | *' '*) fail "TELEGRAM_API_ROOT has characters that do not belong in a URL" ;; esac
config=${TMPDIR:-/tmp}/alertmanager.yml
umask 077
sed -e "s|@TELEGRAM_API_ROOT@|$api|" -e "s|@BOT_TOKEN@|$token|" -e "s|[\"']@CHAT_ID@[\"']|$chat|" \
  "$dir/alertmanager.yml" >"$config"
# RENDER_ONLY=1: write the config and stop (pnpm test:alerts checks it with amtool).
[ "${RENDER_ONLY:-}" = 1 ] && exit 0
# No HA cluster (one replica): no gossip port, no peer warnings.
exec /bin/alertmanager --config.file="$config" --storage.path=/alertmanager --cluster.listen-address= "$@"
