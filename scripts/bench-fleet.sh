#!/usr/bin/env bash
# bench-fleet.sh [HOSTS] [LEVELS]: deploys the quickstart edge app to HOSTS
# (default 50) real sshd hosts on loopback with strategy immediate at each
# max_concurrency in LEVELS (default 5,10,25,50), and writes the table into
# docs/benchmarks.md. Not a timed test: numbers depend on the machine.
# Debug build on purpose (shared build machines); rvmctl itself is I/O bound.
set -euo pipefail
cd "$(dirname "$0")/.."
hosts=${1:-50}
levels=${2:-5,10,25,50}
bash scripts/install-test-deps.sh
out=$(mktemp)
BENCH_HOSTS=$hosts BENCH_LEVELS=$levels BENCH_OUT=$out \
  cargo test -q --test bench_fleet -- --ignored --nocapture bench_fleet
load=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "# Benchmarks"
  echo
  echo "## Fleet rollout over ssh (\`scripts/bench-fleet.sh\`)"
  echo
  echo "$hosts real \`sshd\` processes on loopback (one per simulated Jetson host), the quickstart edge app"
  echo "(stage → pre-deploy check → start service → 3 health checks → switch → 1 s monitor), strategy"
  echo "\`immediate\`, one multiplexed ssh connection per host. Each row deploys a new version to every host."
  echo
  echo "- *wall time*: the whole \`rvmctl deploy\` process (observe, plan, locks, rollout, history)."
  echo "- *rollout time*: the executor only (\`duration_ms\` of the JSON report)."
  echo "- *per host*: one host's steps from stage to monitor end (\`units[].duration_ms\`)."
  echo "- *waves* = ⌈hosts / max_concurrency⌉; *ideal* = slowest host × waves."
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(uname -m)), debug build, load average at the end: $load"
  echo "(the machine was shared with other builds and test suites while this ran)."
  echo
  cat "$out"
} > docs/benchmarks.md
rm -f "$out"
cat docs/benchmarks.md
