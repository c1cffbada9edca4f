# shellcheck shell=bash
# Helpers shared by scripts/dev.sh, scripts/test.sh and .ci/run: make sure the local PostgreSQL
# and Redis the project talks to are reachable, starting them when they are installed on this
# machine but not running. Source it; it defines functions only (needs bash and node).

FS_PG_DEFAULT_URL='postgres://postgres@127.0.0.1:5432/field_service'
FS_REDIS_DEFAULT_URL='redis://127.0.0.1:6379'

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  FS_BOLD=$'\033[1m' FS_DIM=$'\033[2m' FS_RED=$'\033[31m' FS_GREEN=$'\033[32m' FS_YELLOW=$'\033[33m' FS_RESET=$'\033[0m'
else
  FS_BOLD='' FS_DIM='' FS_RED='' FS_GREEN='' FS_YELLOW='' FS_RESET=''
fi

fs_info() { printf '%s\n' "${FS_GREEN}▸${FS_RESET} $*"; }
fs_warn() { printf '%s\n' "${FS_YELLOW}▸ $*${FS_RESET}" >&2; }
fs_error() { printf '%s\n' "${FS_RED}✗ $*${FS_RESET}" >&2; }
fs_section() { printf '\n%s\n' "${FS_BOLD}==> $*${FS_RESET}"; }

# fs_url_part URL FIELD DEFAULT — FIELD is host, port, db or admin_url (same URL, database "postgres").
fs_url_part() {
  node -e '
    const [url, field, dflt] = process.argv.slice(1);
    const u = new URL(url);
    const out = {
      host: u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
      port: u.port || dflt,
      db: decodeURIComponent(u.pathname.replace(/^\//, "")) || dflt,
      admin_url: (() => { u.pathname = "/postgres"; return u.toString(); })(),
    }[field];
    process.stdout.write(String(out ?? ""));
  ' "$1" "$2" "${3:-}"
}

fs_is_local_host() {
  case "$1" in 127.0.0.1 | localhost | ::1 | 0.0.0.0) return 0 ;; *) return 1 ;; esac
}

# A TCP connect with bash's /dev/tcp, bounded to ~2 s.
fs_tcp_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

fs_pg_ready() {
  local url=$1 host port
  host=$(fs_url_part "$url" host) port=$(fs_url_part "$url" port 5432)
  if command -v pg_isready >/dev/null 2>&1; then
    # Accepting connections (the database itself may not exist yet: that is checked later).
    pg_isready -q -h "$host" -p "$port" -t 3 >/dev/null 2>&1
  else
    fs_tcp_open "$host" "$port"
  fi
}

fs_redis_ready() {
  local url=$1 host port
  host=$(fs_url_part "$url" host) port=$(fs_url_part "$url" port 6379)
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(timeout 3 redis-cli -u "$url" ping 2>/dev/null)" = PONG ]
  else
    timeout 3 bash -c "exec 3<>/dev/tcp/$host/$port; printf 'PING\r\n' >&3; IFS= read -r line <&3; [[ \$line == +PONG* || \$line == -NOAUTH* ]]" 2>/dev/null
  fi
}

# fs_wait_until SECONDS CMD... — polls CMD every 0.5 s.
fs_wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.5
  done
}

fs_pg_versions() { ls /etc/postgresql 2>/dev/null | sort -V; }

fs_start_postgres() {
  local version
  version=$(fs_pg_versions | tail -n 1)
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$version" ]; then
    return 1
  fi
  fs_info "starting PostgreSQL $version: pg_ctlcluster --skip-systemctl-redirect $version main start"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || return 1
}

fs_start_redis() {
  local port=$1
  command -v redis-server >/dev/null 2>&1 || return 1
  fs_info "starting Redis: redis-server --daemonize yes --bind 127.0.0.1 --port $port --save \"\" --appendonly no"
  # --dir /tmp: with nothing saved it writes no file, but never try the caller's directory.
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir /tmp >/dev/null ||
    return 1
}

fs_postgres_hint() {
  cat >&2 <<EOF
  PostgreSQL is needed at ${FS_BOLD}$1${FS_RESET} (URL: DATABASE_URL / TEST_PG_URL).
  Install and start it, for example:
    Debian/Ubuntu:  sudo apt-get install -y postgresql && sudo pg_ctlcluster \$(ls /etc/postgresql) main start
    macOS (brew):   brew install postgresql@16 && brew services start postgresql@16
  The default URL logs in as role "postgres" without a password over 127.0.0.1: allow it with
  'host all postgres 127.0.0.1/32 trust' in pg_hba.conf, or put your own DATABASE_URL in .env.
EOF
}

fs_redis_hint() {
  cat >&2 <<EOF
  Redis is needed at ${FS_BOLD}$1${FS_RESET} (URL: REDIS_URL / TEST_REDIS_URL).
  Install and start it, for example:
    Debian/Ubuntu:  sudo apt-get install -y redis-server && redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    macOS (brew):   brew install redis && brew services start redis
EOF
}

# fs_ensure_postgres URL — reachable, or started when it is local and installed, or a hint and 1.
fs_ensure_postgres() {
  local url=$1 host port
  host=$(fs_url_part "$url" host) port=$(fs_url_part "$url" port 5432)
  if fs_pg_ready "$url"; then
    fs_info "PostgreSQL is reachable at $host:$port"
    return 0
  fi
  if fs_is_local_host "$host" && fs_start_postgres && fs_wait_until 30 fs_pg_ready "$url"; then
    fs_info "PostgreSQL started and reachable at $host:$port"
    return 0
  fi
  fs_error "PostgreSQL is not reachable at $host:$port"
  fs_postgres_hint "$host:$port"
  return 1
}

# fs_ensure_redis URL — same for Redis.
fs_ensure_redis() {
  local url=$1 host port
  host=$(fs_url_part "$url" host) port=$(fs_url_part "$url" port 6379)
  if fs_redis_ready "$url"; then
    fs_info "Redis is reachable at $host:$port"
    return 0
  fi
  if fs_is_local_host "$host" && fs_start_redis "$port" && fs_wait_until 15 fs_redis_ready "$url"; then
    fs_info "Redis started and reachable at $host:$port"
    return 0
  fi
  fs_error "Redis is not reachable at $host:$port"
  fs_redis_hint "$host:$port"
  return 1
}
