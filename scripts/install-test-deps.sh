#!/usr/bin/env bash
# Installs what the test suite needs beyond cargo, idempotently.
# Needed: python3 (quickstart app), flock/sha256sum/tar (slot scripts), cargo-nextest,
# and a real kube-apiserver + etcd for tests/kubernetes.rs (built once into ~/.cache/rvmctl-test,
# ~4 minutes on 2 cores the first time; a no-op afterwards).
set -euo pipefail
need=()
command -v python3 >/dev/null || need+=(python3)
command -v flock >/dev/null || need+=(util-linux)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! cargo nextest --version >/dev/null 2>&1; then
  echo "installing cargo-nextest" >&2
  cargo install --locked cargo-nextest >/dev/null
fi
"$(dirname "$0")/kube-test-env.sh" build
