// Package bpfold loads bpfgen's object for kernels from 4.9: the helpers
// cilium/ebpf rewrites need only their replacements, which 4.9 has for
// bpf_probe_read (4.1) but not for bpf_probe_read_str (4.11).
package bpfold

import "bpfcompat.test/bpfgen"

func load() error {
	var objs struct{}
	return bpfgen.LoadFixupsObjects(&objs, nil) // want `bpf_probe_read_str requires Linux 4.11, but the target is 4.9 \(program read_names, instruction \d+: bpf_probe_read_user_str, rewritten by cilium/ebpf in fixups.o\)` `bpf_ktime_get_boot_ns requires Linux 5.8` `bpf_loop requires Linux 5.17` `callbacks requires Linux 5.13`
}
