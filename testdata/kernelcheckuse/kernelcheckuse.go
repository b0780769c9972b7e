// Package kernelcheckuse guards with a check from a package that imports no
// BPF library.
package kernelcheckuse

import (
	"github.com/cilium/ebpf"

	"bpfcompat.test/kernelcheck"
)

func guarded() *ebpf.MapSpec {
	if kernelcheck.AtLeast58() {
		return &ebpf.MapSpec{Type: ebpf.RingBuf}
	}
	return nil
}

func unguarded() *ebpf.MapSpec {
	return &ebpf.MapSpec{Type: ebpf.RingBuf} // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}
