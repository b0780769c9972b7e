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

# The SARIF 2.1.0 JSON schema, for the test that validates our SARIF:
# @microsoft/jest-sarif on the npm registry ships the OASIS schema.
cache="${XDG_CACHE_HOME:-$HOME/.cache}/bpfcompat"
schema="$cache/sarif-2.1.0-rtm.5.json"
if [ ! -f "$schema" ] && command -v npm >/dev/null; then
  tmp=$(mktemp -d)
  if (cd "$tmp" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null 2>&1 && tar xzf ./*.tgz); then
    mkdir -p "$cache" && cp "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$schema"
  fi
  rm -rf "$tmp"
fi
[ -f "$schema" ] && export BPFCOMPAT_SARIF_SCHEMA="$schema"

# Modules: the project's, and the analyzer test packages' (a module of their
# own, loaded with GOPROXY=off by analysistest, so it must be in the cache).
go mod download
(cd testdata && go mod download)
(cd testdata/broken && go mod download)

# The real-world projects the analyzer is measured on: each verdict file in
# testdata/realworld with a "# module:" header names a module at a pinned
# version and the packages analyzed. The test builds the project with its
# own go.mod from the module cache only, so fetch the module and what those
# packages need, for the platform the test fixes. Without them it skips.
for f in testdata/realworld/*.txt; do
  mod=$(sed -n 's/^# module: *//p' "$f")
  [ -n "$mod" ] || continue
  pkgs=$(sed -n 's/^# packages: *//p' "$f" | tr '\n' ' ')
  dir=$(GOFLAGS= GOWORK=off go mod download -json "$mod" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p' || true)
  if [ -z "$dir" ] || ! (cd "$dir" && GOFLAGS=-mod=mod GOWORK=off GOOS=linux GOARCH=amd64 CGO_ENABLED=0 \
      go list -deps $pkgs >/dev/null); then
    echo "scripts/test.sh: cannot fetch $mod and its dependencies; its real-world test will skip" >&2
  fi
done
# ... and run the heavy ones too.
export BPFCOMPAT_REALWORLD=1

# Slow tests that plain `go test ./...` skips run here: building a custom
# golangci-lint with the plugin (golangci/integration_test.go) takes minutes.
export BPFCOMPAT_GOLANGCI=1

go vet ./...
# An explicit timeout, under CI's budget for the whole suite: a test that
# hangs fails with its goroutines' stacks rather than being killed silently.
# A -timeout among the script's arguments comes later and wins.
go test -timeout=20m "$@" ./...
