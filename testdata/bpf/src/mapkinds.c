// Maps whose operations came to their type after the operation itself:
// batch operations reached LPM tries and per-CPU arrays in 5.13, a year
// after hash maps and arrays (5.6). A hash map whose value holds a spin
// lock takes BPF_F_LOCK (5.1). Built into ../../mapgen, a bpf2go-style
// package.
#include "bpf.h"

#define BPF_MAP_TYPE_PERCPU_ARRAY 6
#define BPF_MAP_TYPE_LPM_TRIE 11

struct bpf_spin_lock {
	__u32 val;
};

struct lpm_key {
	__u32 prefixlen;
	__u32 addr;
};

struct locked_value {
	struct bpf_spin_lock lock;
	__u64 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key);
	__type(value, __u64);
	__uint(max_entries, 16);
} prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} per_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct locked_value);
	__uint(max_entries, 16);
} locked SEC(".maps");

SEC("xdp")
int count(void *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&per_cpu, &key);
	if (n)
		*n += 1;
	return 2; /* XDP_PASS */
}

char LICENSE[] SEC("license") = "GPL";
