#!/usr/bin/env bash
# make bench: release build, then startup/validate/plan scaling into
# docs/benchmarks.md (section "Startup, validation and planning").
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bins --benches >&2
bench=$(ls -t target/release/deps/plan_scale-* | grep -v '\.d$' | head -1)
table=$(RVMCTL_BIN=target/release/rvmctl "$bench")
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
section=$(cat <<MD
## Startup, validation and planning (\`make bench\`)

Release build, $(nproc) cores ($cpu), $(date -u +%Y-%m-%d), load average $(cut -d' ' -f1-3 /proc/loadavg).
Config: one ssh target with N hosts (labels, vars), canary strategy, two services,
one health check. "plan" is the pure plan computation (steps, waves, gates,
fingerprint, hash) over an observed state of N hosts; each size runs in its
own process (peak RSS is for that process: config + plan + observed state).

$table
MD
)
python3 - "$section" <<'PY'
import re, sys
path = "docs/benchmarks.md"
text = open(path).read() if __import__("os").path.exists(path) else "# Benchmarks\n"
section = sys.argv[1].rstrip() + "\n"
pat = re.compile(r"## Startup, validation and planning.*?(?=\n## |\Z)", re.S)
text = pat.sub(section, text) if pat.search(text) else text.rstrip() + "\n\n" + section
open(path, "w").write(text)
PY
echo "$section"
