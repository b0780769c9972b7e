// Package reqlib is a wrapper library whose functions need new kernels. // want package:"exports bpf\\(2\\) wrappers or requirements"
package reqlib

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
)

// Open reads events; its callers must be on 5.8.
//
//bpfcompat:requires 5.8
func Open(m *ebpf.Map) (*ringbuf.Reader, error) { // want Open:"requires Linux 5.8"
	return ringbuf.NewReader(m)
}

// OpenRB needs the ring buffer, whatever the version says.
//
//bpfcompat:requires BPF_MAP_TYPE_RINGBUF
func OpenRB(m *ebpf.Map) (*ringbuf.Reader, error) { // want OpenRB:"requires BPF_MAP_TYPE_RINGBUF"
	return ringbuf.NewReader(m)
}

// Attach uses tcx without a guard: callers inherit the requirement.
func Attach(prog *ebpf.Program, ifindex int) (link.Link, error) { // want Attach:"requires BPF_LINK_TYPE_TCX, BPF_TCX_INGRESS \\(via link.AttachTCX\\)"
	return link.AttachTCX(link.TCXOptions{ // want `BPF_LINK_TYPE_TCX requires Linux 6.6`
		Interface: ifindex,
		Program:   prog,
		Attach:    ebpf.AttachTCXIngress, // want `BPF_TCX_INGRESS requires Linux 6.6`
	})
}

// AttachIf uses tcx only when its caller says the kernel has it: the
// callers decide, and are checked with what their argument proves.
func AttachIf(prog *ebpf.Program, haveTCX bool) (link.Link, error) { // want AttachIf:"when true, argument 1 needs BPF_LINK_TYPE_TCX"
	if haveTCX {
		return link.AttachTCX(link.TCXOptions{Program: prog})
	}
	return nil, nil
}

// AttachIfFrom is called in this package with an argument that proves
// nothing: the use stays reported here.
func AttachIfFrom(prog *ebpf.Program, haveTCX bool) (link.Link, error) {
	if haveTCX {
		return link.AttachTCX(link.TCXOptions{Program: prog}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6`
	}
	return nil, nil
}

func attachAlways(prog *ebpf.Program) { AttachIfFrom(prog, true) }

// unexported functions pass nothing on: their package's callers are right here.
func attach(prog *ebpf.Program) (link.Link, error) {
	return link.AttachTCX(link.TCXOptions{Program: prog}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6`
}

// want +2 `bad //bpfcompat:requires directive: "someday" is neither a kernel version nor a feature the specs know`
//
//bpfcompat:requires someday
func Later() {}
