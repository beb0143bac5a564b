#!/usr/bin/env bash
# scripts/stress.sh [RUNS] [TEST-BINARY...]: runs the real-sshd suites RUNS
# times back to back (default 20 runs of ssh, faults_ssh, edge_fleet and
# local), each run with the suites' tests in parallel processes as CI runs
# them, and prints one line per run and a tally. Used to show that a flake is
# fixed rather than lucky (issue 14); not part of `make test`.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
shift || true
suites=("$@")
[[ ${#suites[@]} -gt 0 ]] || suites=(ssh faults_ssh edge_fleet local)
args=()
for s in "${suites[@]}"; do args+=(--test "$s"); done
cargo nextest run --no-run "${args[@]}" >/dev/null 2>&1 || { echo "build failed"; exit 1; }
failed=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  if out=$(cargo nextest run --no-fail-fast "${args[@]}" 2>&1); then
    echo "run $i/$runs: ok ($(( $(date +%s) - start ))s, load $(cut -d' ' -f1 /proc/loadavg))"
  else
    failed=$((failed + 1))
    mkdir -p target/stress
    printf '%s\n' "$out" >"target/stress/run-$i.log"
    echo "run $i/$runs: FAILED ($(( $(date +%s) - start ))s; output in target/stress/run-$i.log)"
    grep -E '^\s+FAIL ' <<<"$out" | sort -u
  fi
done
echo "stress: $runs runs of ${suites[*]}: $((runs - failed)) passed, $failed failed"
[[ $failed -eq 0 ]]
