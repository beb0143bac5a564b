#!/usr/bin/env bash
# The baseline rvmctl is compared with in docs/benchmarks.md: the blue-green
# slot switch an operator would otherwise script with plain ssh. Per host:
# read the live color, unpack the release into the other slot, start it, check
# /health answers with the version, then switch `current` atomically (rename).
# One ssh connection per command, as such scripts do; hosts in parallel with
# `xargs -P` (CONCURRENCY=1 is the plain for loop). No lock, no checksum, no
# journal, no history, no rollback: what rvmctl adds on top.
#
#   SSH_CONFIG=… [KNOWN_HOSTS=…] TARBALL=….tar.gz VERSION=1.2.3 CONCURRENCY=10 HOSTS_FILE=… ssh-loop-deploy.sh
#   HOSTS_FILE lines: <host> <base dir on host> <port for blue> <port for green>
set -euo pipefail
: "${SSH_CONFIG:?}" "${TARBALL:?}" "${VERSION:?}" "${HOSTS_FILE:?}"
CONCURRENCY=${CONCURRENCY:-1}
KNOWN_HOSTS=${KNOWN_HOSTS:-}

deploy_host() {
  local host=$1 base=$2 port_blue=$3 port_green=$4
  local s=(ssh -F "$SSH_CONFIG" -o BatchMode=yes -o "UserKnownHostsFile=${KNOWN_HOSTS:-~/.ssh/known_hosts}" "$host")
  local live color port
  live=$("${s[@]}" "readlink '$base/current' || true")
  if [ "$live" = blue ]; then color=green port=$port_green; else color=blue port=$port_blue; fi
  "${s[@]}" "rm -rf '$base/$color' && mkdir -p '$base/$color' && tar -xzf - -C '$base/$color'" <"$TARBALL"
  "${s[@]}" "cd '$base/$color' && RVM_BASE='$base' RVM_COLOR=$color ./edge-ctl start $port" >/dev/null
  "${s[@]}" "curl -fsS --max-time 5 http://127.0.0.1:$port/health | grep -q '$VERSION'"
  "${s[@]}" "ln -sfn $color '$base/current.new' && mv -T '$base/current.new' '$base/current'"
}
export -f deploy_host
export SSH_CONFIG KNOWN_HOSTS TARBALL VERSION

xargs -P "$CONCURRENCY" -L 1 bash -c 'deploy_host "$@"' _ <"$HOSTS_FILE"
