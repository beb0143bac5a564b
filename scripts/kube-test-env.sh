#!/usr/bin/env bash
# kube-test-env.sh — a REAL Kubernetes API server (etcd + kube-apiserver v1.20.2,
# no kubelet, no controller-manager) for rvmctl's integration tests.
#
# Usage:
#   scripts/kube-test-env.sh build         Install OS packages (apt) and build kube-apiserver
#                                          from Debian bookworm's `kubernetes` source package into
#                                          the cache. Idempotent: a no-op once the binary exists.
#   scripts/kube-test-env.sh start <dir>   (build if needed, then) start etcd + kube-apiserver on
#                                          free loopback ports; writes into <dir>:
#                                            kubeconfig  contexts `admin` (current) and `restricted`
#                                            env         KUBECONFIG=, KUBE_API_URL=, KUBE_ADMIN_TOKEN=,
#                                                        KUBE_RESTRICTED_TOKEN=, KUBE_CA_FILE=, ...
#                                            pids        one pid per line (etcd, kube-apiserver)
#                                            ca.crt, server.{crt,key}, sa.{key,pub}, tokens.csv,
#                                            etcd.log, kube-apiserver.log, etcd-data/
#   scripts/kube-test-env.sh stop <dir>    Stop the processes listed in <dir>/pids (TERM, then KILL).
#                                          Idempotent. Leaves the files in <dir> (logs) in place.
#   scripts/kube-test-env.sh prune         Delete the Go build cache and source tree from the cache,
#                                          keeping only the built binary (~110 MB instead of ~2 GB).
#
# `<dir>/env` holds plain KEY=value lines (values shell-quoted only if needed):
#   set -a; . "<dir>/env"; set +a
#
# Environment:
#   RVMCTL_TEST_CACHE    cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/rvmctl-test)
#   KTE_READY_TIMEOUT    seconds to wait for /readyz (default 60)
#
# Users: `admin` (token in KUBE_ADMIN_TOKEN, group system:masters) and `ci-deployer`
# (token in KUBE_RESTRICTED_TOKEN, no groups, hence no RBAC permissions until a test grants some).
#
# Quirks of Kubernetes 1.20 (see /work/shared/test-infrastructure.md): set `protocol: TCP` on
# Service ports for server-side apply (else 500); no controller-manager, so no ReplicaSets/Pods and
# Deployment status must be patched by tests; namespace deletion stays in Terminating.

set -euo pipefail

readonly K8S_VERSION=v1.20.2
readonly K8S_MAJOR=1 K8S_MINOR=20
readonly SRC_PACKAGE=kubernetes
# Debian bookworm ships 1.20.5+really1.20.2-…: the upstream tree is v1.20.2.
readonly ORIG_GLOB="kubernetes_*really1.20.2*.orig.tar.*"
readonly APT_PACKAGES=(golang-go etcd-server etcd-client rsync make openssl curl
                       golang-github-modern-go-reflect2-dev)

CACHE_ROOT=${RVMCTL_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rvmctl-test}
CACHE_DIR=$CACHE_ROOT/kube-apiserver-$K8S_VERSION
BIN=$CACHE_DIR/bin/kube-apiserver
READY_TIMEOUT=${KTE_READY_TIMEOUT:-60}

log() { printf '[kube-test-env] %s\n' "$*" >&2; }
die() { printf '[kube-test-env] ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0" >&2
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

# ---------------------------------------------------------------------------- build

missing_packages() {
  local p status
  for p in "${APT_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || printf '%s\n' "$p"
  done
}

ensure_packages() {
  local missing
  missing=$(missing_packages)
  [[ -z $missing ]] && return 0
  # shellcheck disable=SC2086
  log "installing packages: $(echo $missing)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  # shellcheck disable=SC2046
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    $(echo "$missing") >&2
}

# Print deb-src lines for the system's Debian bookworm `deb` entries (same mirror, same keyring).
# Understands one-line *.list files and deb822 *.sources files.
derive_deb_src_lines() {
  local f files=()
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] && files+=("$f")
  done
  ((${#files[@]})) || return 0
  awk '
    function emit(uri, suite, signed,   opts) {
      if (suite !~ /^bookworm(-updates|-security)?$/) return
      opts = (signed != "" && signed ~ /^\//) ? "[signed-by=" signed "] " : ""
      key = uri " " suite
      if (!(key in seen)) { seen[key] = 1; print "deb-src " opts uri " " suite " main" }
    }
    function flush(   n, m, i, j, u, s) {
      if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled !~ /^(no|false|0)$/ && comps ~ /(^|[ \t])main([ \t]|$)/) {
        n = split(uris, u, /[ \t]+/); m = split(suites, s, /[ \t]+/)
        for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) if (u[i] != "" && s[j] != "") emit(u[i], s[j], signed)
      }
      types = uris = suites = comps = signed = enabled = ""
    }
    FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
    deb822 {
      if ($0 ~ /^[ \t]*#/) next
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      if ($0 ~ /^[ \t]/) next                      # continuation (e.g. inline key block)
      k = tolower($0); sub(/:.*/, "", k); v = $0; sub(/^[^:]*:[ \t]*/, "", v); sub(/[ \t]+$/, "", v)
      if (k == "types") types = v; else if (k == "uris") uris = v; else if (k == "suites") suites = v
      else if (k == "components") comps = v; else if (k == "signed-by") signed = v
      else if (k == "enabled") enabled = tolower(v)
      next
    }
    {
      line = $0; sub(/#.*/, "", line)
      n = split(line, w, /[ \t]+/); i = 1; while (i <= n && w[i] == "") i++
      if (w[i] != "deb") next
      i++; signed = ""
      if (w[i] ~ /^\[/) {                           # [ options ]
        while (i <= n) {
          o = w[i]; gsub(/[\[\]]/, "", o)
          if (o ~ /^signed-by=/) { signed = o; sub(/^signed-by=/, "", signed) }
          if (w[i] ~ /\]$/) { i++; break }
          i++
        }
      }
      uri = w[i]; suite = w[i + 1]; comps = ""
      for (j = i + 2; j <= n; j++) comps = comps " " w[j]
      if (comps ~ /(^|[ \t])main([ \t]|$)/) emit(uri, suite, signed)
    }
    END { flush() }
  ' "${files[@]}"
}

fetch_source() {
  local dl=$CACHE_DIR/download apt=$CACHE_DIR/apt
  if compgen -G "$dl/$ORIG_GLOB" >/dev/null; then
    log "source tarball already downloaded"
    return 0
  fi
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dl"
  local lines
  lines=$(derive_deb_src_lines)
  if [[ -z $lines ]]; then
    log "no Debian bookworm deb lines found in /etc/apt; falling back to deb.debian.org"
    lines=$'deb-src http://deb.debian.org/debian bookworm main\ndeb-src http://deb.debian.org/debian bookworm-updates main\ndeb-src http://deb.debian.org/debian-security bookworm-security main'
  fi
  printf '%s\n' "$lines" >"$apt/sources.list"
  log "private apt source list ($apt/sources.list):"
  sed 's/^/    /' "$apt/sources.list" >&2
  local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
              -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -q)
  # apt's download sandbox user (_apt) cannot enter a private cache under root's $HOME.
  [[ $(id -u) -eq 0 ]] && opts+=(-o APT::Sandbox::User=root)
  log "apt-get update (private lists)"
  apt-get "${opts[@]}" update >&2
  log "apt-get source --download-only $SRC_PACKAGE"
  (cd "$dl" && apt-get "${opts[@]}" source --download-only "$SRC_PACKAGE" >&2)
  compgen -G "$dl/$ORIG_GLOB" >/dev/null ||
    die "downloaded $SRC_PACKAGE source has no $ORIG_GLOB (got: $(ls "$dl"))"
}

build() {
  ensure_packages_and_binary_present && return 0
  mkdir -p "$CACHE_ROOT"
  exec {lockfd}>"$CACHE_ROOT/.build.lock"
  if ! flock -n "$lockfd"; then
    log "another build is running; waiting for lock $CACHE_ROOT/.build.lock"
    flock "$lockfd"
  fi
  ensure_packages
  if [[ -x $BIN ]]; then
    log "kube-apiserver already built: $BIN"
    exec {lockfd}>&-
    return 0
  fi
  local t0=$SECONDS
  mkdir -p "$CACHE_DIR"
  fetch_source

  local gopath=$CACHE_DIR/gopath
  local tree=$gopath/src/k8s.io/kubernetes
  if [[ ! -f $CACHE_DIR/.unpacked ]]; then
    log "unpacking source into $tree"
    rm -rf "$tree"
    mkdir -p "$tree"
    local tarball
    local tarballs
    mapfile -t tarballs < <(compgen -G "$CACHE_DIR/download/$ORIG_GLOB")
    tarball=${tarballs[0]}
    tar -xf "$tarball" -C "$tree" --strip-components=1
    [[ -f $tree/cmd/kube-apiserver/apiserver.go ]] || die "unexpected source layout in $tarball"
    # Go >= 1.18 needs modern-go/reflect2 >= 1.0.2 (the vendored 1.0.1 iterates maps through
    # runtime internals that changed); Debian packages 1.0.2.
    local r2=/usr/share/gocode/src/github.com/modern-go/reflect2
    if [[ -d $r2 && -d $tree/vendor/github.com/modern-go/reflect2 ]]; then
      log "replacing vendored modern-go/reflect2 with Debian's $(dpkg-query -W -f='${Version}' golang-github-modern-go-reflect2-dev)"
      rsync -a --delete --exclude='*_test.go' --exclude='/test*' "$r2/" "$tree/vendor/github.com/modern-go/reflect2/"
    fi
    rm -f "$CACHE_DIR/.openapi"
    touch "$CACHE_DIR/.unpacked"
  fi

  local goenv=(env -u GOFLAGS -u GO111MODULE -u GOROOT GOPATH="$gopath" GOCACHE="$CACHE_DIR/go-build"
               GOTMPDIR= GOPROXY=off GOTOOLCHAIN=local GOENV=off GOTELEMETRY=off)
  if [[ ! -f $CACHE_DIR/.openapi ]]; then
    log "make gen_openapi (~20 s)"
    (cd "$tree" && "${goenv[@]}" make gen_openapi >&2)
    touch "$CACHE_DIR/.openapi"
  fi

  log "go build ./cmd/kube-apiserver ($(go version | awk '{print $3}'), GOPATH mode; ~4 min on 2 cores)"
  local v ldflags="-s -w"
  for v in k8s.io/kubernetes/vendor/k8s.io/component-base/version \
           k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
    ldflags+=" -X $v.gitVersion=$K8S_VERSION -X $v.gitMajor=$K8S_MAJOR -X $v.gitMinor=$K8S_MINOR"
    ldflags+=" -X $v.gitTreeState=clean -X $v.buildDate=1970-01-01T00:00:00Z"
  done
  mkdir -p "$CACHE_DIR/bin"
  local tmp=$CACHE_DIR/bin/.kube-apiserver.tmp.$$
  (cd "$tree" && "${goenv[@]}" GO111MODULE=off CGO_ENABLED=0 \
     go build -o "$tmp" -ldflags "$ldflags" ./cmd/kube-apiserver)
  local ver
  ver=$("$tmp" --version 2>&1) || die "built binary does not run: $ver"
  [[ $ver == *"$K8S_VERSION"* ]] || die "built binary reports '$ver', expected $K8S_VERSION"
  mv -f "$tmp" "$BIN"
  log "built $BIN ($ver) in $((SECONDS - t0)) s"
  exec {lockfd}>&-
}

# Fast path for `build`: everything already there (no lock, no apt).
ensure_packages_and_binary_present() {
  [[ -x $BIN && -z $(missing_packages) ]] || return 1
  log "kube-apiserver $K8S_VERSION cached at $BIN"
}

prune() {
  [[ -x $BIN ]] || die "nothing built yet in $CACHE_DIR"
  log "removing Go build cache, GOPATH and downloads from $CACHE_DIR (keeping $BIN)"
  chmod -R u+w "$CACHE_DIR/gopath" "$CACHE_DIR/go-build" 2>/dev/null || true
  rm -rf "$CACHE_DIR/gopath" "$CACHE_DIR/go-build" "$CACHE_DIR/download" "$CACHE_DIR/apt" \
         "$CACHE_DIR/.unpacked" "$CACHE_DIR/.openapi"
}

# ---------------------------------------------------------------------------- start / stop

have_python=unknown

# Print N distinct currently-free loopback TCP ports, chosen at random below the kernel's
# ephemeral range (so outgoing connections cannot grab them between the check and the bind).
pick_ports() {
  local n=$1 lo=20000 hi
  hi=$(awk '{print $1 - 1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32767)
  ((hi > lo + 1000)) || { lo=10000; hi=19999; }
  if [[ $have_python == unknown ]]; then
    have_python=
    if command -v python3 >/dev/null 2>&1 && python3 -c '' >/dev/null 2>&1; then have_python=1; fi
  fi
  if [[ -n $have_python ]]; then
    python3 - "$n" "$lo" "$hi" <<'EOF'
import random, socket, sys
n, lo, hi = map(int, sys.argv[1:])
held = []
while len(held) < n:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", random.randint(lo, hi)))
    except OSError:
        s.close(); continue
    held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
EOF
  else
    local ports=() p
    while ((${#ports[@]} < n)); do
      p=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo + 1)))
      [[ " ${ports[*]} " == *" $p "* ]] && continue
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then ports+=("$p"); fi
    done
    echo "${ports[*]}"
  fi
}

# True if process $1 holds a listening TCP socket on port $2 (guards against talking to another
# environment's server that won a port race).
pid_listens_on() {
  local pid=$1 hex inode fd
  hex=$(printf '%04X' "$2")
  for inode in $(awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p {print $10}' \
                   /proc/net/tcp /proc/net/tcp6 2>/dev/null); do
    for fd in /proc/"$pid"/fd/*; do
      [[ $(readlink "$fd" 2>/dev/null) == "socket:[$inode]" ]] && return 0
    done
  done
  return 1
}

alive() { kill -0 "$1" 2>/dev/null; }
cmdline_of() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }

port_conflict_in() { grep -qiE 'address already in use|bind: address' "$1" 2>/dev/null; }

gen_certs() {
  local d=$1
  log "generating CA, server certificate and service-account keys"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=rvmctl-test-ca" \
    -keyout "$d/ca.key" -out "$d/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
  openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/CN=kube-apiserver" \
    -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
  cat >"$d/server.ext" <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid,issuer
EOF
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
    -sha256 -days 3650 -extfile "$d/server.ext" -out "$d/server.crt" 2>/dev/null
  rm -f "$d/server.csr" "$d/server.ext" "$d/ca.srl"
  openssl genrsa -out "$d/sa.key" 2048 2>/dev/null
  openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null
  chmod 600 "$d"/*.key
}

STARTED_PIDS=()

launch() { # launch <logfile> <cmd...>: background, own session, prints pid
  local logf=$1; shift
  setsid "$@" </dev/null >"$logf" 2>&1 &
  echo $!
}

start_etcd() { # sets ETCD_PID ETCD_PORT
  local d=$1 attempt cport pport deadline
  local extra=()
  local help
  help=$(etcd --help 2>&1 || true)
  if [[ $help == *--unsafe-no-fsync* ]]; then extra+=(--unsafe-no-fsync); fi
  for attempt in 1 2 3 4 5; do
    read -r cport pport < <(pick_ports 2)
    rm -rf "$d/etcd-data"
    ETCD_PID=$(launch "$d/etcd.log" etcd --name kte --data-dir "$d/etcd-data" \
      --listen-client-urls "http://127.0.0.1:$cport" --advertise-client-urls "http://127.0.0.1:$cport" \
      --listen-peer-urls "http://127.0.0.1:$pport" --initial-advertise-peer-urls "http://127.0.0.1:$pport" \
      --initial-cluster "kte=http://127.0.0.1:$pport" --initial-cluster-state new \
      --initial-cluster-token "kte-$$-$RANDOM" "${extra[@]}")
    STARTED_PIDS+=("$ETCD_PID")
    deadline=$((SECONDS + 30))
    while ((SECONDS < deadline)); do
      if ! alive "$ETCD_PID"; then break; fi
      if pid_listens_on "$ETCD_PID" "$cport" &&
         [[ $(curl -fsS -m 2 "http://127.0.0.1:$cport/health" 2>/dev/null || true) == *'"health":"true"'* ]]; then
        ETCD_PORT=$cport
        return 0
      fi
      sleep 0.2
    done
    if ! alive "$ETCD_PID" && port_conflict_in "$d/etcd.log"; then
      log "etcd port conflict ($cport/$pport), retrying with other ports (attempt $attempt)"
      continue
    fi
    log "etcd did not become healthy; last lines of $d/etcd.log:"
    tail -n 30 "$d/etcd.log" >&2 || true
    die "etcd failed to start"
  done
  die "etcd: could not find free ports after 5 attempts"
}

start_apiserver() { # sets API_PID API_PORT
  local d=$1 etcd_port=$2 admin_token=$3 attempt port deadline
  for attempt in 1 2 3 4 5; do
    read -r port < <(pick_ports 1)
    API_PID=$(launch "$d/kube-apiserver.log" "$BIN" \
      --etcd-servers="http://127.0.0.1:$etcd_port" \
      --bind-address=127.0.0.1 --secure-port="$port" --insecure-port=0 \
      --advertise-address=127.0.0.1 \
      --cert-dir="$d/apiserver-certs" \
      --tls-cert-file="$d/server.crt" --tls-private-key-file="$d/server.key" \
      --token-auth-file="$d/tokens.csv" --authorization-mode=RBAC \
      --service-account-issuer=https://kubernetes.default.svc \
      --service-account-key-file="$d/sa.pub" --service-account-signing-key-file="$d/sa.key" \
      --service-cluster-ip-range=10.0.0.0/16 \
      --endpoint-reconciler-type=none)
    STARTED_PIDS+=("$API_PID")
    deadline=$((SECONDS + READY_TIMEOUT))
    while ((SECONDS < deadline)); do
      if ! alive "$API_PID"; then break; fi
      # The CA check proves we talk to *our* server, not another environment's.
      if [[ $(curl -sS -m 3 --cacert "$d/ca.crt" -H "Authorization: Bearer $admin_token" \
                "https://127.0.0.1:$port/readyz" 2>/dev/null || true) == ok ]]; then
        API_PORT=$port
        return 0
      fi
      sleep 0.25
    done
    if ! alive "$API_PID" && port_conflict_in "$d/kube-apiserver.log"; then
      log "kube-apiserver port conflict ($port), retrying with another port (attempt $attempt)"
      continue
    fi
    if alive "$API_PID"; then
      log "kube-apiserver not ready after ${READY_TIMEOUT}s"
    else
      log "kube-apiserver exited"
    fi
    log "last lines of $d/kube-apiserver.log:"
    tail -n 40 "$d/kube-apiserver.log" >&2 || true
    log "last lines of $d/etcd.log:"
    tail -n 10 "$d/etcd.log" >&2 || true
    die "kube-apiserver failed to become ready"
  done
  die "kube-apiserver: could not find a free port after 5 attempts"
}

kill_pids() { # kill_pids <dir> <pid...>: TERM, wait up to 10 s, then KILL
  local d=$1 pid; shift
  local live=()
  for pid in "$@"; do
    [[ $pid =~ ^[0-9]+$ ]] || continue
    alive "$pid" || continue
    # Only kill processes that belong to this environment (pid reuse guard).
    if [[ -r /proc/$pid/cmdline && $(cmdline_of "$pid") != *"$d/"* ]]; then
      log "pid $pid is not part of $d any more; leaving it alone"
      continue
    fi
    kill -TERM "$pid" 2>/dev/null || true
    live+=("$pid")
  done
  local deadline=$((SECONDS + 10))
  for pid in "${live[@]}"; do
    while alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
    if alive "$pid"; then
      log "pid $pid ignored SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

abs_dir() { mkdir -p "$1" && (cd "$1" && pwd -P); }

start() {
  local d
  d=$(abs_dir "$1")
  if [[ -f $d/pids ]]; then
    local p
    while read -r p; do
      if [[ $p =~ ^[0-9]+$ ]] && alive "$p" && [[ $(cmdline_of "$p") == *"$d/"* ]]; then
        die "an environment is already running in $d (pid $p); run: $0 stop $d"
      fi
    done <"$d/pids"
  fi
  build
  local t0=$SECONDS
  rm -rf "$d/etcd-data" "$d/apiserver-certs"
  rm -f "$d/pids" "$d/env" "$d/kubeconfig"

  STARTED_PIDS=()
  START_DIR=$d
  # On any failure, don't leave half an environment running.
  trap 'if ((${#STARTED_PIDS[@]})); then kill_pids "$START_DIR" "${STARTED_PIDS[@]}"; rm -f "$START_DIR/pids"; fi' EXIT

  gen_certs "$d"
  local admin_token restricted_token
  admin_token=$(openssl rand -hex 24)
  restricted_token=$(openssl rand -hex 24)
  {
    printf '%s,admin,admin-uid,"system:masters"\n' "$admin_token"
    printf '%s,ci-deployer,ci-deployer-uid\n' "$restricted_token"
  } >"$d/tokens.csv"
  chmod 600 "$d/tokens.csv"

  log "starting etcd"
  start_etcd "$d"
  printf '%s\n' "$ETCD_PID" >"$d/pids"
  log "etcd pid $ETCD_PID on 127.0.0.1:$ETCD_PORT; starting kube-apiserver"
  start_apiserver "$d" "$ETCD_PORT" "$admin_token"
  printf '%s\n' "$API_PID" >>"$d/pids"

  local url="https://127.0.0.1:$API_PORT" ca_data
  ca_data=$(base64 -w0 <"$d/ca.crt")
  cat >"$d/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: rvmctl-test
  cluster:
    server: $url
    certificate-authority-data: $ca_data
users:
- name: admin
  user:
    token: $admin_token
- name: ci-deployer
  user:
    token: $restricted_token
contexts:
- name: admin
  context:
    cluster: rvmctl-test
    user: admin
    namespace: default
- name: restricted
  context:
    cluster: rvmctl-test
    user: ci-deployer
    namespace: default
current-context: admin
EOF
  chmod 600 "$d/kubeconfig"
  {
    printf 'KUBECONFIG=%q\n' "$d/kubeconfig"
    printf 'KUBE_API_URL=%q\n' "$url"
    printf 'KUBE_ADMIN_TOKEN=%q\n' "$admin_token"
    printf 'KUBE_RESTRICTED_TOKEN=%q\n' "$restricted_token"
    printf 'KUBE_CA_FILE=%q\n' "$d/ca.crt"
    printf 'KUBE_API_PORT=%q\n' "$API_PORT"
    printf 'ETCD_URL=%q\n' "http://127.0.0.1:$ETCD_PORT"
  } >"$d/env"
  trap - EXIT
  log "ready in $((SECONDS - t0)) s: $url (etcd pid $ETCD_PID, kube-apiserver pid $API_PID)"
  log "environment: $d/env, kubeconfig: $d/kubeconfig; stop with: $0 stop $d"
}

stop() {
  local d
  [[ -d $1 ]] || { log "$1 does not exist; nothing to stop"; return 0; }
  d=$(cd "$1" && pwd -P)
  [[ -f $d/pids ]] || { log "no $d/pids; nothing to stop"; return 0; }
  local pids=()
  mapfile -t pids < <(tac "$d/pids")   # kube-apiserver first, then etcd
  kill_pids "$d" "${pids[@]}"
  rm -f "$d/pids"
  log "stopped environment in $d"
}

main() {
  local cmd=${1:-}
  case $cmd in
    build) build ;;
    start) [[ $# -eq 2 ]] || { usage; exit 2; }; start "$2" ;;
    stop)  [[ $# -eq 2 ]] || { usage; exit 2; }; stop "$2" ;;
    prune) prune ;;
    -h|--help|help) usage ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"
