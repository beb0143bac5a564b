#!/usr/bin/env bash
# action-install.sh — the composite action's install step (action.yml): puts
# rvmctl on PATH, from the GitHub Release that matches the action, checksummed.
#
#   1. Which version: RVMCTL_VERSION (the `rvmctl-version` input), else the
#      action's ref when it is a version tag (`v1.4.2`), else, for a moving tag
#      (`v1`, `v1.4`), the version in the action's own Cargo.toml.
#   2. Download <base>/v<version>/rvmctl-<version>-<target>.tar.gz and
#      <base>/v<version>/SHA256SUMS, check the archive against its line
#      (`sha256sum -c`); a mismatch or a missing line fails the step.
#   3. Only when there is no such release (HTTP 404; a missing file for
#      file:// URLs), no version, or no prebuilt target for this machine:
#      build from the action's source with `cargo install --locked --path`.
#
# Environment (everything the workflow says arrives here, never in script text):
#   RVMCTL_VERSION            version to install, `1.4.2` or `v1.4.2` (optional)
#   ACTION_REF                github.action_ref
#   ACTION_REPOSITORY         github.action_repository (owner/name)
#   ACTION_PATH               github.action_path (the action's checkout)
#   RVMCTL_RELEASE_BASE_URL   default https://github.com/$ACTION_REPOSITORY/releases/download
#   RVMCTL_TARGET             asset target (default: the static musl build for this CPU)
#   RVMCTL_INSTALL_ROOT       rvmctl goes to $RVMCTL_INSTALL_ROOT/bin (default under RUNNER_TOOL_CACHE)
#   RVMCTL_CARGO              the cargo used to build from source (default cargo)
#   GITHUB_PATH               when set, the bin folder is appended to it
set -euo pipefail
say() { echo "rvmctl install: $*" >&2; }
fail() { echo "::error title=rvmctl install::$*" >&2; exit 1; }

version=${RVMCTL_VERSION:-}
ref=${ACTION_REF:-}
if [[ -z $version ]]; then
  if [[ $ref =~ ^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?$ ]]; then
    version=$ref
  elif [[ $ref =~ ^v[0-9]+(\.[0-9]+)?$ && -f ${ACTION_PATH:-.}/Cargo.toml ]]; then
    version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "${ACTION_PATH:-.}/Cargo.toml" | head -1)
  fi
fi
version=${version#v}
if [[ -n $version && ! $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?$ ]]; then
  fail "rvmctl-version '$version' is not a version like 1.4.2"
fi

target=${RVMCTL_TARGET:-}
if [[ -z $target && $(uname -s) == Linux ]]; then
  case $(uname -m) in
    x86_64|amd64) target=x86_64-unknown-linux-musl ;;
    aarch64|arm64) target=aarch64-unknown-linux-musl ;;
  esac
fi

install_root=${RVMCTL_INSTALL_ROOT:-${RUNNER_TOOL_CACHE:-${HOME}/.cache}/rvmctl/${version:-source}}
bin_dir=$install_root/bin
mkdir -p "$bin_dir"
on_path() {
  if [[ -n ${GITHUB_PATH:-} ]]; then echo "$bin_dir" >>"$GITHUB_PATH"; fi
  "$bin_dir/rvmctl" --version >&2
}

from_source() {
  local path=${ACTION_PATH:-}
  [[ -n $path && -f $path/Cargo.toml ]] || fail "no release to download ($1) and no source to build (ACTION_PATH)"
  say "$1: building from source (cargo install --locked --path)"
  "${RVMCTL_CARGO:-cargo}" install --locked --path "$path" --root "$install_root" --bin rvmctl
  [[ -x $bin_dir/rvmctl ]] || fail "cargo install left no rvmctl in $bin_dir"
  on_path
  exit 0
}

[[ -n $version ]] || from_source "the action's ref '${ref:-none}' names no release"
[[ -n $target ]] || from_source "no prebuilt rvmctl for $(uname -s) $(uname -m)"

base=${RVMCTL_RELEASE_BASE_URL:-https://github.com/${ACTION_REPOSITORY:?ACTION_REPOSITORY or RVMCTL_RELEASE_BASE_URL is needed}/releases/download}
asset=rvmctl-$version-$target.tar.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Prints `ok`, `missing` (no such release) or `error:<detail>`; never fails.
fetch() {
  local code rc=0
  code=$(curl -sSL --proto '=https,file' --retry 3 --connect-timeout 20 -o "$2" -w '%{http_code}' "$1" 2>"$work/curl.err") || rc=$?
  if [[ $rc == 0 && ($code == 200 || $code == 000) ]]; then echo ok
  elif [[ $code == 404 || $rc == 37 ]]; then echo missing # 37: file:// names no file
  else echo "error:curl exit $rc, HTTP $code: $(tail -n 1 "$work/curl.err")"
  fi
}

url=$base/v$version/$asset
say "downloading $url"
got=$(fetch "$url" "$work/$asset")
case $got in
  ok) ;;
  missing) from_source "no release asset $asset at $base/v$version" ;;
  *) fail "cannot download $url: ${got#error:}" ;;
esac
case $(fetch "$base/v$version/SHA256SUMS" "$work/SHA256SUMS") in
  ok) ;;
  *) fail "release v$version has $asset but no SHA256SUMS: refusing an unverified binary" ;;
esac

# Verify: the line naming this asset (text or binary mode), and nothing else.
grep -E "^[0-9a-f]{64} [ *]$asset\$" "$work/SHA256SUMS" >"$work/expected" || true
[[ -s $work/expected ]] || fail "SHA256SUMS of v$version has no line for $asset"
if ! (cd "$work" && sha256sum -c --strict --status expected); then
  actual=$(sha256sum "$work/$asset" | cut -d' ' -f1)
  fail "checksum mismatch for $asset: SHA256SUMS says $(cut -d' ' -f1 "$work/expected"), the download is $actual"
fi

tar -xzf "$work/$asset" -C "$work"
install -m 0755 "$work/rvmctl-$version-$target/rvmctl" "$bin_dir/rvmctl"
say "installed rvmctl $version ($target) from the release, checksum verified"
on_path
