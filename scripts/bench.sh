#!/usr/bin/env bash
# make bench: every benchmark of this build on this machine, into
# docs/benchmarks.md: the machine, then startup/validate/plan scaling (here),
# fleet rollouts over loopback sshd beside a plain ssh script
# (scripts/bench-fleet.sh), and the Kubernetes switch beside kubectl
# (scripts/bench-k8s.sh). Each script owns one section; BENCH_ONLY=startup
# (or fleet, k8s) runs one. Takes ~15 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
only=${BENCH_ONLY:-all}
cargo build --release --bins --benches >&2
put() { scripts/bench/put-section.py docs/benchmarks.md "$@"; }

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
put "Machine" --first <<MD
## Machine

Written by \`make bench\` on $(date -u '+%Y-%m-%d %H:%M UTC') for rvmctl $(target/release/rvmctl --version | cut -d' ' -f2)
($(git rev-parse --short HEAD 2>/dev/null || echo unknown)), release build, $(rustc --version | cut -d' ' -f1-2).
$(nproc) cores ($cpu), $mem RAM, $(uname -sr), $(uname -m). Load average before the runs:
$(cut -d' ' -f1-3 /proc/loadavg). Every number below is from this one run on this machine; on a
shared 2-core machine, expect ±20 % between runs. Ratios compare two tools measured side by side
in the same run.
MD

if [[ $only == all || $only == startup ]]; then
  bench=$(ls -t target/release/deps/plan_scale-* | grep -v '\.d$' | head -1)
  table=$(RVMCTL_BIN=target/release/rvmctl "$bench")
  put "Startup, validation and planning" <<MD
## Startup, validation and planning

Config: one ssh target with N hosts (labels, vars), canary strategy, two services,
one health check. "plan" is the pure plan computation (steps, waves, gates,
fingerprint, hash) over an observed state of N hosts; each size runs in its
own process (peak RSS is for that process: config + plan + observed state).

$table
MD
fi
if [[ $only == all || $only == fleet ]]; then scripts/bench-fleet.sh; fi
if [[ $only == all || $only == k8s ]]; then RVMCTL_BIN=target/release/rvmctl scripts/bench-k8s.sh; fi
cat docs/benchmarks.md
