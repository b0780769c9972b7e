// Helpers: bpf_get_current_pid_tgid (4.2), bpf_ringbuf_output (5.8) and
// bpf_loop (5.17), with a bpf-to-bpf call (4.16).
#include "bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

static long count(__u32 i, void *ctx)
{
	*(__u64 *)ctx += i;
	return 0;
}

static __noinline __u64 pid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

SEC("kprobe/do_sys_openat2")
int trace_open(void *ctx)
{
	__u64 sum = pid();
	bpf_loop(16, count, &sum, 0);
	bpf_ringbuf_output(&events, &sum, sizeof(sum), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
