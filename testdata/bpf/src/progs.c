// Program types from section names: an LSM program (5.7), an XDP
// program (4.8), and a tracepoint (4.7); global data (5.2) in .rodata.
#include "bpf.h"

const volatile __u32 target_pid = 0;

SEC("lsm/file_open")
int check_open(void *ctx)
{
	return target_pid ? -1 : 0;
}

SEC("xdp")
int pass(void *ctx)
{
	return 2; /* XDP_PASS */
}

SEC("tracepoint/syscalls/sys_enter_openat")
int enter_openat(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
