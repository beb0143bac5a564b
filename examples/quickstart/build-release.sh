#!/bin/sh
# build-release.sh VERSION [--failing | --fail-after SECONDS | --fail-when-live]: builds dist/edge-VERSION/, a release
# folder rvmctl packs and checksums (see artifact.path in the config).
set -eu
[ $# -ge 1 ] || { echo "usage: $0 VERSION [--failing]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
out="$here/dist/edge-$1"
rm -rf "$out"
mkdir -p "$out"
cp "$here/app/server.py" "$here/app/edge-ctl" "$out/"
echo "$1" >"$out/VERSION"
case "${2:-}" in
  --failing) touch "$out/FAIL_HEALTH" ;;
  --fail-after) echo "${3:?seconds}" >"$out/FAIL_AFTER" ;;
  --fail-when-live) touch "$out/FAIL_WHEN_LIVE" ;;
esac
echo "built $out"
