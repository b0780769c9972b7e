// Package broken does not type-check. bpfcompat runs despite errors (as
// go vet's users expect to see findings while they edit) and reports what
// it can resolve, without panicking on what it cannot.
package broken

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"
)

var spec = &ebpf.MapSpec{
	Type:  ebpf.RingBuf, // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	Flags: undefinedFlags,
}

func read(m *ebpf.Map) {
	ringbuf.NewReader(m, extraArgument) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	var x int = "not an int"
	_ = x
	link.AttachTCX(nil)
}
