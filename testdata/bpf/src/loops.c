// A bounded loop (5.3) the compiler keeps as a back-edge.
#include "bpf.h"

SEC("socket")
int sum(void *ctx)
{
	volatile __u32 n = 100;
	__u32 total = 0;
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < n; i++)
		total += i;
	return total & 1;
}

char LICENSE[] SEC("license") = "GPL";
