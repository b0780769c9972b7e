// What cilium/ebpf fixes up for old kernels beside what it cannot:
// bpf_probe_read_kernel and bpf_probe_read_user_str (5.5) become
// bpf_probe_read (4.1) and bpf_probe_read_str (4.11) where the kernel lacks
// them; bpf_ktime_get_boot_ns (5.8) and bpf_loop (5.17) have no substitute.
// Built into ../../bpfgen, a bpf2go-style package loaded from other packages.
#include "bpf.h"

// A hash map: Map.LookupAndDelete on it needs 5.14, not the command's 4.20.
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} pending SEC(".maps");

static long nop(__u32 i, void *ctx)
{
	return 0;
}

SEC("kprobe/do_sys_openat2")
int read_names(void *ctx)
{
	char name[16];
	__u64 ptr = 0;
	bpf_probe_read_kernel(&ptr, sizeof(ptr), ctx);
	bpf_probe_read_user_str(name, sizeof(name), (void *)ptr);
	return name[0];
}

SEC("kprobe/do_sys_openat2")
int boot_time(void *ctx)
{
	__u32 key = 0;
	__u64 t = bpf_ktime_get_boot_ns();
	bpf_map_lookup_elem(&pending, &key);
	bpf_loop(4, nop, 0, 0);
	return t > 0;
}

char LICENSE[] SEC("license") = "GPL";
