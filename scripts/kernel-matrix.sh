#!/usr/bin/env bash
# The kernel matrix: real Debian kernels, booted under qemu, probed, and
# compared with specs/ (probe/matrix_test.go).
#
#   scripts/kernel-matrix.sh [fetch|test|specs] [target...]
#
# fetch  downloads each target's kernel package with apt (cached under
#        /var/cache/bpfcompat/debs) and unpacks its /boot into
#        $BPFCOMPAT_KERNELS (default /var/cache/bpfcompat/kernels), with a
#        manifest naming the exact package and version.
# test   (the default) fetches, then checks the kfuncs of specs/ against
#        each fetched kernel's BTF and config (kernelspec TestKfuncs), and
#        specs/stable against each kernel's Debian changelog (kernelspec
#        TestStableBackportsAgainstChangelogs), and runs the matrix test: boot each kernel, probe it, compare it with
#        specs/, run the verdict programs.
# specs  fetches, then rewrites specs/targets/<target>.yaml from the probes.
#
# Targets: debian-11 (bullseye), debian-12 (bookworm), debian-13 (trixie),
# debian-13-backports (trixie-backports: the newest kernel Debian builds).
# BTF sources, fetched alike but not booted (listed in btf-manifest rather
# than manifest): debian-unstable (sid), whose kernel adds a release to the
# kfunc check. It is no matrix target: sid replaces its kernel every few
# weeks, often by a new release, and a target's probed spec
# (specs/targets/<target>.yaml) is pinned to one package; the kfunc check
# takes whatever release sid has, and skips one newer than specs/.
# apt reads its own sources list and state from a temporary directory; the
# system's apt configuration is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=test
case "${1:-}" in fetch|test|specs) mode=$1; shift ;; esac
targets=("$@")
btf_only=(debian-unstable)
((${#targets[@]})) || targets=(debian-11 debian-12 debian-13 debian-13-backports "${btf_only[@]}")

kernels=${BPFCOMPAT_KERNELS:-/var/cache/bpfcompat/kernels}
debs=/var/cache/bpfcompat/debs
mkdir -p "$kernels" "$debs"

# Suites each target takes its newest kernel from.
suites() {
  case $1 in
    debian-11) echo bullseye bullseye-security ;;
    debian-12) echo bookworm bookworm-security ;;
    debian-13) echo trixie trixie-security ;;
    debian-13-backports) echo trixie-backports ;;
    debian-unstable) echo sid ;;
    *) echo "kernel-matrix: unknown target $1" >&2; return 1 ;;
  esac
}

root() { [ "$(id -u)" = 0 ]; }
booted() { local b; for b in "${btf_only[@]}"; do [ "$1" != "$b" ] || return 1; done; }
first() { for f in "$@"; do if [ -e "$f" ]; then echo "$f"; return; fi; done; }

# What the host needs: qemu for the VM; zstd and xz to decompress each
# vmlinuz for the kfunc check, which reads the BTF of the vmlinux inside.
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v zstd >/dev/null || need+=(zstd)
command -v xz >/dev/null || need+=(xz-utils)
if ((${#need[@]})); then
  if root && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "kernel-matrix: missing ${need[*]}: apt-get install ${need[*]}" >&2
    exit 1
  fi
fi

# apt's own state for these suites, kept between runs so that an update
# fetches only what changed; the system's sources and lists are not used.
apt_dir=/var/cache/bpfcompat/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
for t in "${targets[@]}"; do
  for s in $(suites "$t"); do
    case $s in
      *-security) echo "deb [signed-by=$keyring] http://deb.debian.org/debian-security $s main" ;;
      *) echo "deb [signed-by=$keyring] http://deb.debian.org/debian $s main" ;;
    esac
  done
done | sort -u >"$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o Dir::State::Status=/dev/null
  -o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" update -qq

manifest=$kernels/manifest
btf_manifest=$kernels/btf-manifest
: >"$manifest.new"
: >"$btf_manifest.new"
for t in "${targets[@]}"; do
  list=$manifest.new
  booted "$t" || list=$btf_manifest.new
  # The newest linux-image-amd64 in the target's suites, and the image
  # package it depends on.
  best=
  for s in $(suites "$t"); do
    v=$(apt-cache "${apt_opts[@]}" madison linux-image-amd64 | awk -v s="$s" '$0 ~ " "s"/main" {print $3; exit}')
    [ -n "$v" ] || continue
    if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
  done
  [ -n "$best" ] || { echo "kernel-matrix: no linux-image-amd64 in $(suites "$t")" >&2; exit 1; }
  pkg=$(apt-cache "${apt_opts[@]}" show "linux-image-amd64=$best" | sed -n 's/^Depends:.*\(linux-image-[0-9][^ ,]*-amd64\) (= \([^)]*\)).*/\1 \2/p' | head -1)
  read -r name version <<<"$pkg"
  # Since 7.x the image package is a shell over linux-binary-* (the kernel)
  # and linux-base-* (its config): fetch those of the same version too.
  dir="$kernels/$t"
  pkgs=("$name")
  fetch_deb() {
    local deb="$debs/${1}_${version//:/%3a}_amd64.deb"
    [ -f "$deb" ] || (cd "$debs" && apt-get "${apt_opts[@]}" download -qq "$1=$version")
    echo "$deb"
  }
  deb=$(fetch_deb "$name")
  for dep in $(dpkg-deb -f "$deb" Depends | tr ',|' '\n\n' | sed -n "s/^ *\(linux-\(binary\|base\)-[^ ]*\) (= $version)/\1/p"); do
    pkgs+=("$dep")
  done
  # Debian's changelog of the kernel (in the image package, or in
  # linux-base-* since 7.x) lists every upstream stable update's patches:
  # the stable backport check reads it. Taken also for a kernel unpacked
  # before this was.
  if [ "$(cat "$dir/package" 2>/dev/null)" = "$name $version" ] &&
    ! ls "$dir"/usr/share/doc/*/changelog*.gz >/dev/null 2>&1; then
    for p in "${pkgs[@]}"; do
      dpkg-deb --fsys-tarfile "$(fetch_deb "$p")" | tar -x -C "$dir" --wildcards './usr/share/doc/*/changelog*.gz' 2>/dev/null || true
    done
  fi
  if [ "$(cat "$dir/package" 2>/dev/null)" = "$name $version" ]; then
    cat "$dir/manifest" >>"$list"
    echo "kernel-matrix: $t: $name $version (unpacked before)"
    continue
  fi
  rm -rf "$dir" && mkdir -p "$dir"
  for p in "${pkgs[@]}"; do
    deb=$(fetch_deb "$p")
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" --wildcards './boot/vmlinuz-*' './boot/config-*' \
      './usr/lib/modules/*/vmlinuz' './usr/lib/modules/*/config' './usr/share/doc/*/changelog*.gz' 2>/dev/null || true
  done
  vmlinuz=$(first "$dir"/boot/vmlinuz-* "$dir"/usr/lib/modules/*/vmlinuz)
  config=$(first "$dir"/boot/config-* "$dir"/usr/lib/modules/*/config)
  [ -n "$vmlinuz" ] && [ -n "$config" ] ||
    { echo "kernel-matrix: no /boot/vmlinuz-* and config-* in ${pkgs[*]}" >&2; exit 1; }
  printf '%s\t%s\t%s\t%s\t%s\n' "$t" "$name" "$version" "$vmlinuz" "$config" >"$dir/manifest"
  echo "$name $version" >"$dir/package"
  cat "$dir/manifest" >>"$list"
  echo "kernel-matrix: $t: $name $version"
done
mv "$manifest.new" "$manifest"
mv "$btf_manifest.new" "$btf_manifest"

case $mode in
  fetch) ;;
  test)
    # Both run; either failing fails the script.
    rc=0
    BPFCOMPAT_KERNELS=$kernels go test ./kernelspec/ -run 'TestKfuncs|TestStableBackports' -count=1 -v || rc=$?
    BPFCOMPAT_KERNELS=$kernels go test ./probe/ -run 'TestKernelMatrix' -count=1 -timeout 60m -v || rc=$?
    exit $rc ;;
  specs) BPFCOMPAT_KERNELS=$kernels BPFCOMPAT_WRITE_TARGETS=1 go test ./probe/ -run 'TestKernelMatrix' -count=1 -timeout 60m -v ;;
esac
