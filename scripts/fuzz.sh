#!/usr/bin/env bash
# make fuzz (part of make test): builds the libFuzzer targets in fuzz/ with
# cargo fuzz and runs each for FUZZ_SECONDS (default 60) from the committed
# corpus. New inputs go to a temp dir: the committed corpus is only read.
# A crash, panic, timeout (>10 s per input) or >2 GiB RSS fails the run and
# leaves the reproducer in fuzz/artifacts/<target>/ (run it again with
# `cargo fuzz run <target> <file>`).
#
# cargo fuzz needs nightly-only flags; this machine has one stable toolchain,
# so RUSTC_BOOTSTRAP=1 lets stable rustc accept them (the same compiler that
# builds rvmctl). No sanitizer (-s none): rvmctl is safe Rust; we look for
# panics, hangs and runaway memory. cargo-fuzz itself is installed once into
# ~/.cache/rvmctl-test (outside the repo) when it is not on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
cache=${RVMCTL_TEST_CACHE:-$HOME/.cache/rvmctl-test}
if ! command -v cargo-fuzz >/dev/null; then
  if [[ ! -x $cache/cargo-fuzz/bin/cargo-fuzz ]]; then
    echo "==> installing cargo-fuzz 0.13.2 into $cache/cargo-fuzz (once per machine)" >&2
    cargo install --quiet --locked cargo-fuzz --version 0.13.2 --root "$cache/cargo-fuzz"
  fi
  export PATH="$cache/cargo-fuzz/bin:$PATH"
fi
export RUSTC_BOOTSTRAP=1
cd fuzz
targets=$(cargo fuzz list)
echo "==> building fuzz targets: $(echo $targets)" >&2
cargo fuzz build -s none
for t in $targets; do
  work=$(mktemp -d)
  echo "==> fuzzing $t for ${secs}s (corpus: fuzz/corpus/$t, $(ls "corpus/$t" | wc -l) inputs)" >&2
  status=0
  cargo fuzz run -s none "$t" "$work" "corpus/$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 2>"$work.log" || status=$?
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done )' "$work.log" >&2 || true
  rm -rf "$work"
  if [[ $status != 0 ]]; then
    tail -60 "$work.log" >&2
    echo "fuzz target $t failed (exit $status); reproducer in fuzz/artifacts/$t/" >&2
    exit 1
  fi
  rm -f "$work.log"
done
