# shellcheck shell=bash
# A Docker engine for .ci/run's containers step (source it; needs local-services.sh for the
# fs_* helpers). On this machine kind dockerd starts as root with --iptables=false (no NAT:
# builds use --network host; containers reach the host through their network's gateway).
# Storage drivers are tried in order: overlay2, fuse-overlayfs, vfs (vfs copies whole images
# per layer: slow, the last resort).
#
# Priorities on a small shared machine: dockerd, and with it every image build, runs under
# `nice -n 10`; the containers run at normal priority, like any test process, because they are
# started by a containerd of our own that is not niced (a niced stack starves on a busy host and
# fails its healthchecks for no fault of its own).

FS_DOCKERD_PID=
FS_CONTAINERD_PID=
FS_CONTAINERD_DIR=/run/fs-containerd

fs_docker_ready() { timeout 10 docker info >/dev/null 2>&1; }

# fs_containerd_start LOG — containerd on its own socket (FS_CONTAINERD_PID).
fs_containerd_start() {
  local log=$1
  command -v containerd >/dev/null 2>&1 || return 1
  mkdir -p "$FS_CONTAINERD_DIR"
  printf 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n' >"$FS_CONTAINERD_DIR/config.toml"
  containerd --config "$FS_CONTAINERD_DIR/config.toml" --address "$FS_CONTAINERD_DIR/containerd.sock" \
    --root /var/lib/fs-containerd --state "$FS_CONTAINERD_DIR/state" >>"$log" 2>&1 &
  FS_CONTAINERD_PID=$!
  fs_wait_until 30 test -S "$FS_CONTAINERD_DIR/containerd.sock"
}

# fs_docker_start LOGFILE — starts dockerd when no engine answers. Returns 1 if none starts.
fs_docker_start() {
  local log=$1 driver containerd_flag=
  fs_docker_ready && return 0
  command -v dockerd >/dev/null 2>&1 || return 1
  for driver in overlay2 fuse-overlayfs vfs; do
    if [ "$driver" = fuse-overlayfs ] && ! command -v fuse-overlayfs >/dev/null 2>&1; then
      continue
    fi
    # Without a containerd of our own, dockerd starts one as its child (niced like it).
    containerd_flag=
    if fs_containerd_start "$log"; then
      containerd_flag="--containerd=$FS_CONTAINERD_DIR/containerd.sock"
    else
      fs_warn "containerd did not start on its own: dockerd starts one (the containers run niced)"
    fi
    fs_info "starting dockerd --storage-driver=$driver --iptables=false $containerd_flag (log: $log)"
    # shellcheck disable=SC2086 # the flag is one word or none
    nice -n 10 dockerd --storage-driver="$driver" --iptables=false $containerd_flag >>"$log" 2>&1 &
    FS_DOCKERD_PID=$!
    if fs_wait_until 60 fs_docker_ready; then
      fs_info "Docker engine $(docker version -f '{{.Server.Version}}' 2>/dev/null) ready (storage driver $driver)"
      return 0
    fi
    fs_warn "dockerd did not come up with $driver:"
    tail -n 5 "$log" >&2 || true
    fs_docker_stop
  done
  return 1
}

# fs_stop_pid PID — SIGTERM, up to 30 s, then SIGKILL.
fs_stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

# fs_docker_stop — stops the dockerd and containerd that fs_docker_start started (nothing else).
fs_docker_stop() {
  if [ -n "$FS_DOCKERD_PID" ]; then
    fs_stop_pid "$FS_DOCKERD_PID"
    FS_DOCKERD_PID=
  fi
  if [ -n "$FS_CONTAINERD_PID" ]; then
    fs_stop_pid "$FS_CONTAINERD_PID"
    FS_CONTAINERD_PID=
  fi
}
