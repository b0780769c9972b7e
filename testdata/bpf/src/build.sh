#!/usr/bin/env bash
# Compiles the test objects, as bpf2go projects do, into the package
# directory above, where they are committed: clang's BPF target (Debian's clang has it). Run it after editing
# a .c file; the tests read the committed objects.
set -euo pipefail
command -v clang >/dev/null || { apt-get update && apt-get install -y clang llvm; }
cd "$(dirname "$0")"
for c in *.c; do
  o="../${c%.c}.o"
  case "$c" in
  fixups.c) o=../../bpfgen/fixups.o ;; # a generated loader package of its own
  lsm.c) o=../../objlib/lsm.o ;;         # a library that hands its loads on
  mapkinds.c) o=../../mapgen/mapkinds.o ;; # a generated package of map types
  esac
  clang -target bpf -mcpu=v3 -O2 -g -Wall -Werror -c "$c" -o "$o"
  llvm-strip -g "$o"
done
