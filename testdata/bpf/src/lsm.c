// An LSM program (5.7) alone: built into ../../objlib, a library package
// that loads it in exported functions and in a hand-written spec loader.
#include "bpf.h"

SEC("lsm/file_open")
int check_open(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
