// Package reqlib is a wrapper library whose functions need new kernels. // want package:"exports bpf\\(2\\) wrappers or requirements"
package reqlib

import (
	"fmt"

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

// Attach uses tcx without a guard: callers inherit the requirement. It
// hands the failure on, and this package never calls it: the callers
// decide, and are checked, so the body is not reported as well.
func Attach(prog *ebpf.Program, ifindex int) (link.Link, error) { // want Attach:"requires BPF_LINK_TYPE_TCX, BPF_TCX_INGRESS \\(via link.AttachTCX\\)"
	return link.AttachTCX(link.TCXOptions{
		Interface: ifindex,
		Program:   prog,
		Attach:    ebpf.AttachTCXIngress,
	})
}

// Reattach hands on an error of its own when the attach fails: the same.
func Reattach(prog *ebpf.Program) (int, error) { // want Reattach:"requires BPF_LINK_TYPE_TCX \\(via link.AttachTCX\\)"
	l, err := link.AttachTCX(link.TCXOptions{Program: prog})
	if err != nil {
		return 0, fmt.Errorf("attaching: %w", err)
	}
	return 1, l.Close()
}

// TryTCX is nil only if the attach worked: a check. It may as well be the
// worker its callers rely on, so it passes its requirement on, and is
// decided at the callers: one that tests its error and goes on another
// way guards with it.
func TryTCX(prog *ebpf.Program) error { // want TryTCX:"checks BPF_LINK_TYPE_TCX when true or nil" TryTCX:"requires BPF_LINK_TYPE_TCX \\(via link.AttachTCX\\)"
	l, err := link.AttachTCX(link.TCXOptions{Program: prog})
	if err != nil {
		return fmt.Errorf("attaching: %w", err)
	}
	return l.Close()
}

// AttachQuietly drops the failure: no caller can tell it failed, so the
// body is where it is decided.
func AttachQuietly(prog *ebpf.Program) link.Link { // want AttachQuietly:"requires BPF_LINK_TYPE_TCX \\(via link.AttachTCX\\)"
	l, _ := link.AttachTCX(link.TCXOptions{Program: prog}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6`
	return l
}

// AttachHere hands the failure on, but this package calls it without a
// guard, where an inferred requirement is not checked: the body reports.
func AttachHere(prog *ebpf.Program) (link.Link, error) { // want AttachHere:"requires BPF_LINK_TYPE_TCX \\(via link.AttachTCX\\)"
	return link.AttachTCX(link.TCXOptions{Program: prog}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6`
}

func attachHere(prog *ebpf.Program) { AttachHere(prog) }

// AttachGuarded's one caller in this package probes first: decided there.
func AttachGuarded(prog *ebpf.Program) (link.Link, error) { // want AttachGuarded:"requires BPF_LINK_TYPE_TCX \\(via link.AttachTCX\\)"
	return link.AttachTCX(link.TCXOptions{Program: prog})
}

func attachGuarded(prog *ebpf.Program) {
	if haveTCX() {
		AttachGuarded(prog)
	}
}

//bpfcompat:checks BPF_LINK_TYPE_TCX
func haveTCX() bool { return false } // want haveTCX:"checks BPF_LINK_TYPE_TCX when true or nil"

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
