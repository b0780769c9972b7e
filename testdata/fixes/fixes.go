// Package fixes has uses with suggested fixes.
package fixes

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"
)

func read(m *ebpf.Map) {
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

func lsm(spec *ebpf.ProgramSpec) {
	spec.Type = ebpf.LSM // want `BPF_PROG_TYPE_LSM requires Linux 5.7`
}

// A declaration is not wrapped: the variable would leave its scope.
func declared(m *ebpf.Map) *ringbuf.Reader {
	rd, _ := ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	return rd
}
