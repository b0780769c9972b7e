#!/usr/bin/env bash
# Runs every test of the project. It installs what the tests need first, so
# that a clean machine (and CI) runs the whole suite rather than a skipped
# subset. Extra arguments go to `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."

# The kernel header test compiles /usr/include/linux/bpf.h (Debian's
# linux-libc-dev) with a C compiler to read its layout from DWARF.
need=()
command -v gcc >/dev/null || need+=(gcc)
[ -f /usr/include/linux/bpf.h ] || need+=(linux-libc-dev)
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "scripts/test.sh: missing ${need[*]}; the tests that need them will skip" >&2
  fi
fi

# Modules: the project's, and the analyzer test packages' (a module of their
# own, loaded with GOPROXY=off by analysistest, so it must be in the cache).
go mod download
(cd testdata && go mod download)

go vet ./...
go test "$@" ./...
