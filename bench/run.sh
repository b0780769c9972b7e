#!/usr/bin/env bash
# Measures what bpfcompat adds to its driver's own work: bpfcompat-vet and
# the same singlechecker driver with a no-op analyzer (with a fact type, so
# it loads the same packages the same way; and without, which is what a
# user without bpfcompat pays) over the same package sets. Reports the
# median wall time, CPU time and peak RSS of RUNS runs (default 5) after a
# warm-up run, and the ratios bpfcompat / no-op. Then the go vet -vettool
# route: cold build cache, and warm after a one-file change.
#
# bpfcompat runs twice: as shipped (-load=fast: only packages that can
# carry a fact from source) and with -load=full (everything from source,
# what any fact-using go/analysis driver does).
#
# Usage: bench/run.sh [package set ...]   (sets: std cilium examples large)
# "large" is the module in $BENCH_LARGE (module@version, default
# github.com/containerd/containerd/v2@v2.4.2: 277 packages, 152 vendored
# modules, cilium/ebpf v0.17.3 among them through containerd/cgroups),
# fetched through the module proxy, copied to $BENCH_WORK and vendored
# (module zips leave vendor/ out), and analyzed as ./... from its root.
# VET_SETS (default "examples large"; "none" for none) are the sets the go
# vet route runs on.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
sets=("$@")
((${#sets[@]})) || sets=(std cilium examples)

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/bpfcompat" ./cmd/bpfcompat-vet
go build -o "$bin/noop-facts" ./bench/noop/facts
go build -o "$bin/noop-nofacts" ./bench/noop/nofacts

patterns() {
  case $1 in
    std) echo std ;;
    cilium) echo github.com/cilium/ebpf/... ;;
    examples) echo ./examples/... ;;
    large) echo ./... ;;
    *) echo "$1" ;;
  esac
}

# The large project runs from its own module root, vendored once.
large=${BENCH_LARGE:-github.com/containerd/containerd/v2@v2.4.2}
work=${BENCH_WORK:-${TMPDIR:-/tmp}/bpfcompat-bench}
dir_for() {
  if [[ $1 != large ]]; then
    pwd
    return
  fi
  local dir="$work/${large//[\/@]/_}"
  if [[ ! -d $dir/vendor ]]; then
    local src
    src=$(go mod download -json "$large" | awk -F'"' '/"Dir"/ {print $4}')
    rm -rf "$dir" && mkdir -p "$work" && cp -r "$src" "$dir" && chmod -R u+w "$dir"
    (cd "$dir" && go mod vendor) >&2
  fi
  echo "$dir"
}

# command TOOL: the binary and its flags.
command_for() {
  case $1 in
    bpfcompat-full) echo "$bin/bpfcompat -load=full" ;;
    *) echo "$bin/$1" ;;
  esac
}

# measure TOOL PATTERN DIR: prints "wall cpu rss_mb" medians over $runs runs.
measure() {
  local tool=$1 pattern=$2 dir=$3 samples=() cmd
  cmd=$(command_for "$tool")
  (cd "$dir" && $cmd -test=false "$pattern" >/dev/null 2>&1) || true # warm-up
  for ((i = 0; i < runs; i++)); do
    (cd "$dir" && /usr/bin/time -f "%e %U %S %M" -o "$bin/t" $cmd -test=false "$pattern" >/dev/null 2>&1) || true
    read -r wall user sys rss < <(tail -n 1 "$bin/t")
    samples+=("$(awk -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN { printf "%.2f %.2f %.0f", w, u + s, r / 1024 }')")
  done
  printf '%s\n' "${samples[@]}" | awk '
    { w[NR] = $1; c[NR] = $2; m[NR] = $3 }
    function median(a, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END { printf "%.2f %.2f %.0f\n", median(w, NR), median(c, NR), median(m, NR) }'
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r), $(go version | cut -d' ' -f3)"
echo "runs: $runs, medians after a warm-up run"
printf '%-9s %-14s %8s %8s %8s\n' set tool wall_s cpu_s rss_mb
for set in "${sets[@]}"; do
  pattern=$(patterns "$set")
  dir=$(dir_for "$set")
  declare -A r=()
  for tool in noop-nofacts noop-facts bpfcompat-full bpfcompat; do
    r[$tool]=$(measure "$tool" "$pattern" "$dir")
    read -r w c m <<<"${r[$tool]}"
    printf '%-9s %-14s %8s %8s %8s\n' "$set" "$tool" "$w" "$c" "$m"
  done
  read -r bw bc bm <<<"${r[bpfcompat]}"
  read -r nw nc nm <<<"${r[noop-facts]}"
  read -r fw fc fm <<<"${r[noop-nofacts]}"
  read -r uw uc um <<<"${r[bpfcompat-full]}"
  awk -v set="$set" -v bw="$bw" -v bc="$bc" -v bm="$bm" -v nw="$nw" -v nc="$nc" -v nm="$nm" -v fw="$fw" -v fc="$fc" -v fm="$fm" -v uw="$uw" -v uc="$uc" -v um="$um" 'BEGIN {
    printf "%-9s -load=full vs no-op without facts: wall %.3f  cpu %.3f  rss %.3f\n", set, uw / fw, uc / fc, um / fm
    printf "%-9s -load=full vs no-op with facts (the same packages from source): wall %.3f  cpu %.3f  rss %.3f\n", set, uw / nw, uc / nc, um / nm
    printf "%-9s ratio vs no-op with facts:    wall %.3f  cpu %.3f  rss %.3f\n", set, bw / nw, bc / nc, bm / nm
    printf "%-9s ratio vs no-op without facts: wall %.3f  cpu %.3f  rss %.3f\n", set, bw / fw, bc / fc, bm / fm
  }'
done

# go vet -vettool: a cold build cache, then warm after a one-file change
# (the package set's last package's first Go file gets a comment line),
# then a new tool on a warm build cache (every package vetted again, none
# compiled).
vet_sets=(${VET_SETS:-examples large})
[[ ${VET_SETS-} == none ]] && vet_sets=()
for set in "${vet_sets[@]}"; do
  pattern=$(patterns "$set")
  dir=$(dir_for "$set")
  file=$(cd "$dir" && go list -f '{{.Dir}}/{{index .GoFiles 0}}' "$pattern" | tail -n 1)
  vet() { (cd "$dir" && /usr/bin/time -f "%e %U %S %M" -o "$bin/t" go vet -vettool="$1" "$pattern" >/dev/null 2>&1) || true; tail -n 1 "$bin/t" | awk '{ printf "%.2fs cpu %.2fs rss %.0fMB", $1, $2 + $3, $4 / 1024 }'; }
  for tool in noop-facts bpfcompat; do
    cold=$(GOCACHE="$bin/cache-$tool-$set" vet "$bin/$tool")
    GOCACHE="$bin/cache-$tool-$set" vet "$bin/$tool" >/dev/null
    cp "$file" "$bin/saved.go"
    echo "// bench: touched" >>"$file"
    warm=$(GOCACHE="$bin/cache-$tool-$set" vet "$bin/$tool")
    cp "$bin/saved.go" "$file"
    # The tool's results cold, the build warm: a copy of the binary with
    # other bytes has another identity (-V=full), as after an upgrade.
    cp "$bin/$tool" "$bin/new-$tool" && head -c 16 /dev/urandom >>"$bin/new-$tool"
    fresh=$(GOCACHE="$bin/cache-$tool-$set" vet "$bin/new-$tool")
    printf 'go vet %-9s -vettool %-11s cold %s   warm after a one-file change %s   new tool, build warm %s\n' "$set" "$tool" "$cold" "$warm" "$fresh"
  done
done
