#!/bin/sh
# build-release.sh VERSION [--failing]: builds dist/edge-VERSION/, a release
# folder rvmctl packs and checksums (see artifact.path in the config).
set -eu
[ $# -ge 1 ] || { echo "usage: $0 VERSION [--failing]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
out="$here/dist/edge-$1"
rm -rf "$out"
mkdir -p "$out"
cp "$here/app/server.py" "$here/app/edge-ctl" "$out/"
echo "$1" >"$out/VERSION"
if [ "${2:-}" = "--failing" ]; then touch "$out/FAIL_HEALTH"; fi
echo "built $out"
