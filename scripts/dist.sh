#!/usr/bin/env bash
# dist.sh — what a release ships for one target, into one folder:
#   rvmctl-<version>-<target>.tar.gz   binary, README.md, LICENSE, man/, completions/
#   rvmctl_<version>_<arch>.deb        /usr/bin/rvmctl, man pages (gzipped), bash/zsh/fish completions
#   SHA256SUMS                         every .tar.gz and .deb in the folder (`sha256sum -c SHA256SUMS`)
#
# Usage: scripts/dist.sh [--profile release|debug|dist] [--target TRIPLE] [--bin FILE] [--out DIR]
#   --profile  cargo profile to build with (default release)
#   --target   Rust target triple (default: this machine's); built with `cargo build --target`
#   --bin      package this binary instead of building one (e.g. built by `cross`, or the
#              test suite's debug binary); --target still names the assets
#   --out      output folder (default target/dist)
#
# `make dist` runs it for this machine; .github/workflows/release.yml runs it per target.
# Archives are reproducible: file times are SOURCE_DATE_EPOCH (default: the commit's time),
# owners are root, entries sorted, gzip without a time stamp.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
profile=release target="" bin="" out="$root/target/dist"
while [[ $# -gt 0 ]]; do
  case $1 in
    --profile) profile=${2:?--profile needs a value}; shift 2 ;;
    --target) target=${2:?--target needs a value}; shift 2 ;;
    --bin) bin=${2:?--bin needs a value}; shift 2 ;;
    --out) out=${2:?--out needs a value}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "dist.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
die() { echo "dist.sh: $*" >&2; exit 1; }
for tool in tar gzip sha256sum dpkg-deb; do
  command -v "$tool" >/dev/null || die "$tool is missing (Debian: apt-get install dpkg tar gzip coreutils)"
done

version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)
[[ -n $version ]] || die "no version in Cargo.toml"
host=$(rustc -vV 2>/dev/null | sed -n 's/^host: //p' || true)
target=${target:-$host}
[[ -n $target ]] || die "no --target given and rustc cannot tell this machine's"
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}

if [[ -z $bin ]]; then
  # cargo calls the debug profile `dev` (its output folder is still target/debug).
  cargo_profile=$profile
  [[ $profile == debug ]] && cargo_profile=dev
  args=(build --locked --profile "$cargo_profile" --bin rvmctl)
  [[ $target == "$host" ]] || args+=(--target "$target")
  echo "==> cargo ${args[*]}" >&2
  # A release build is reproducible (its build date is the commit's); a debug
  # build keeps the environment of everyday builds, which would otherwise
  # recompile every crate whose build script reads SOURCE_DATE_EPOCH.
  if [[ $cargo_profile == dev ]]; then
    (cd "$root" && cargo "${args[@]}")
  else
    (cd "$root" && SOURCE_DATE_EPOCH=$epoch cargo "${args[@]}")
  fi
  dir=$profile
  [[ $cargo_profile == dev ]] && dir=debug
  [[ $target == "$host" ]] && bin=$root/target/$dir/rvmctl || bin=$root/target/$target/$dir/rvmctl
fi
[[ -x $bin ]] || die "no binary at $bin"

# Debian's name for the target's architecture; this machine's when the triple is unknown.
case $target in
  x86_64-*) arch=amd64 ;;
  aarch64-*) arch=arm64 ;;
  armv7-*|thumbv7*) arch=armhf ;;
  i686-*|i586-*) arch=i386 ;;
  riscv64*) arch=riscv64 ;;
  *) arch=$(dpkg --print-architecture) ;;
esac
# Debian sorts `~` before anything: 1.2.0~rc.1 is older than 1.2.0, as in semver.
deb_version=${version/-/\~}

mkdir -p "$out"
out=$(cd "$out" && pwd)
# A debug build is for tests, never shipped: compress it fast, not small.
gz=-9n deb_z=(-Zxz -z6)
[[ $profile == debug || $profile == dev ]] && gz=-1n deb_z=(-Zgzip -z1)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
reproducible_tar() { # <dir> <entry> → gzip on stdout
  tar -C "$1" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
    --format=gnu -cf - "$2" | gzip "$gz"
}

# The tarball.
name=rvmctl-$version-$target
t=$stage/$name
mkdir -p "$t/man" "$t/completions"
install -m 0755 "$bin" "$t/rvmctl"
install -m 0644 "$root/README.md" "$root/LICENSE" "$t/"
install -m 0644 "$root"/docs/man/*.1 "$t/man/"
install -m 0644 "$root/completions/rvmctl.bash" "$root/completions/rvmctl.fish" \
  "$root/completions/rvmctl.powershell" "$t/completions/"
install -m 0644 "$root/completions/rvmctl.zsh" "$t/completions/_rvmctl"
reproducible_tar "$stage" "$name" >"$out/$name.tar.gz"

# The Debian package, from a staged tree.
d=$stage/deb
install -D -m 0755 "$bin" "$d/usr/bin/rvmctl"
mkdir -p "$d/usr/share/man/man1"
for page in "$root"/docs/man/*.1; do
  gzip -9n <"$page" >"$d/usr/share/man/man1/$(basename "$page").gz"
done
install -D -m 0644 "$root/completions/rvmctl.bash" "$d/usr/share/bash-completion/completions/rvmctl"
install -D -m 0644 "$root/completions/rvmctl.zsh" "$d/usr/share/zsh/vendor-completions/_rvmctl"
install -D -m 0644 "$root/completions/rvmctl.fish" "$d/usr/share/fish/vendor_completions.d/rvmctl.fish"
install -D -m 0644 "$root/LICENSE" "$d/usr/share/doc/rvmctl/copyright"
# A glibc build needs a glibc at least as new as the newest symbol version it uses;
# a static (musl) build needs nothing.
depends=""
glibc=$(grep -aoE 'GLIBC_[0-9]+\.[0-9]+(\.[0-9]+)?' "$bin" | sed 's/GLIBC_//' | sort -uV | tail -1 || true)
[[ $target == *-gnu* && -n $glibc ]] && depends="Depends: libc6 (>= $glibc)"
mkdir -p "$d/DEBIAN"
{
  echo "Package: rvmctl"
  echo "Version: $deb_version"
  echo "Architecture: $arch"
  echo "Maintainer: ${DEB_MAINTAINER:-rvmctl maintainers <rvmctl@users.noreply.github.com>}"
  echo "Installed-Size: $(du -sk "$d/usr" | cut -f1)"
  [[ -n $depends ]] && echo "$depends"
  # ssh targets drive the system's OpenSSH client.
  echo "Recommends: openssh-client"
  echo "Section: admin"
  echo "Priority: optional"
  echo "Homepage: https://github.com/myrvm/rvmctl"
  echo "Description: blue-green deployments for reverse vending machine fleets"
  echo " rvmctl deploys releases to Jetson hosts over SSH and to Kubernetes backends"
  echo " with blue-green, canary and rolling strategies, health checks, approval"
  echo " gates, deployment windows and instant rollback."
} >"$d/DEBIAN/control"
find "$d" -exec touch -h -d "@$epoch" {} +
deb=$out/rvmctl_${deb_version}_$arch.deb
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group "${deb_z[@]}" --build "$d" "$deb" >/dev/null

# Checksums of everything shipped from this folder (several targets may share it).
(cd "$out" && sha256sum -- *.tar.gz *.deb >SHA256SUMS)
echo "==> $out" >&2
(cd "$out" && ls -l -- "$name.tar.gz" "$(basename "$deb")" SHA256SUMS) >&2
