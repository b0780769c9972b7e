// Package requse calls a library with requirements. // want package:"exports bpf\\(2\\) wrappers or requirements"
package requse

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"

	"bpfcompat.test/checklib"
	"bpfcompat.test/reqlib"
)

func open(m *ebpf.Map, prog *ebpf.Program) {
	reqlib.Open(m) // want `reqlib.Open requires Linux 5.8, but the target is 5.4`
	if checklib.MinKernelVersion("5.8") {
		reqlib.Open(m)
	}
	reqlib.OpenRB(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4 \(via reqlib.OpenRB\)`
	if features.HaveMapType(ebpf.RingBuf) == nil {
		reqlib.OpenRB(m)
	}
	reqlib.Attach(prog, 1) // want `BPF_LINK_TYPE_TCX requires Linux 6.6, but the target is 5.4 \(via reqlib.Attach → link.AttachTCX\)`
}

// A function that declares the requirement passes it to its own callers.
//
//bpfcompat:requires 5.8
func Start(m *ebpf.Map) { // want Start:"requires Linux 5.8"
	reqlib.Open(m)
}
