#!/usr/bin/env bash
# Runs every test of the project. It installs what the tests need first, so
# that a clean machine (and CI) runs the whole suite rather than a skipped
# subset. Extra arguments go to `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."

go mod download
go vet ./...
go test "$@" ./...
