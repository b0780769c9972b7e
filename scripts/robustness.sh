#!/usr/bin/env bash
# Runs bpfcompat-vet over large real code — the standard library,
# golang.org/x/tools and cilium/ebpf, tests included, and cilium/ebpf for
# other platforms — and fails on any panic or internal error. Findings are
# expected (exit 3); errors of ours are not. Needs the Go module proxy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/bpfcompat-vet" "$root/cmd/bpfcompat-vet"

cd "$work"
go mod init robustness >/dev/null 2>&1
go get -t golang.org/x/tools/...@v0.52.0 github.com/cilium/ebpf/...@v0.22.0 >/dev/null 2>&1

status=0
check() { # name, env..., -- args
  local name=$1; shift
  local env=()
  while [ "$1" != -- ]; do env+=("$1"); shift; done; shift
  local out="$work/$name.out" code=0
  env "${env[@]}" "$work/bpfcompat-vet" "$@" >"$out" 2>&1 || code=$?
  local pkgs findings
  pkgs=$(env "${env[@]}" go list "${@: -1}" 2>/dev/null | wc -l)
  findings=$(grep -c 'requires Linux\|missing on' "$out" || true)
  if grep -q 'panic:\|internal error\|fatal error' "$out"; then
    echo "FAIL $name: panic or internal error"; grep -m5 -A5 'panic:\|internal error\|fatal error' "$out"; status=1
  elif [ "$code" != 0 ] && [ "$code" != 3 ]; then
    echo "FAIL $name: exit $code"; grep -v 'requires Linux\|was added in\|missing on' "$out" | head -20; status=1
  else
    echo "ok   $name: $pkgs packages, exit $code, $findings findings"
  fi
}
check std -- -test std
check x-tools GOFLAGS=-mod=mod -- -test golang.org/x/tools/...
check cilium GOFLAGS=-mod=mod -- -test github.com/cilium/ebpf/...
for goos in windows darwin freebsd; do
  check "cilium-$goos" GOFLAGS=-mod=mod GOOS=$goos -- -test github.com/cilium/ebpf/...
done
check cilium-arm64 GOFLAGS=-mod=mod GOARCH=arm64 -- -test github.com/cilium/ebpf/...
check cilium-386 GOFLAGS=-mod=mod GOARCH=386 -- -test github.com/cilium/ebpf/...
exit $status
