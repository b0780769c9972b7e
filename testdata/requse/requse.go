// Package requse calls a library with requirements. // want package:"exports bpf\\(2\\) wrappers or requirements"
package requse

import (
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/link"

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
	reqlib.Reattach(prog)  // want `BPF_LINK_TYPE_TCX requires Linux 6.6, but the target is 5.4 \(via reqlib.Reattach → link.AttachTCX\)`
	if _, err := reqlib.Reattach(prog); err != nil {
		attachClassic(prog) // the caller decides: it falls back
	}
	if err := reqlib.TryTCX(prog); err == nil {
		link.AttachTCX(link.TCXOptions{Program: prog})
	}
	if haveTCX() {
		reqlib.AttachQuietly(prog)
	}
}

// A guard passed to another package: pwru's TrackSkb(coll, haveFexit, ...).
func attachIf(prog *ebpf.Program) {
	reqlib.AttachIf(prog, haveTCX())
	ok := haveTCX()
	cfg := len(os.Args) > 1
	reqlib.AttachIf(prog, ok && cfg)
	reqlib.AttachIf(prog, false)
	reqlib.AttachIf(prog, cfg) // want `BPF_LINK_TYPE_TCX requires Linux 6.6, but the target is 5.4 \(via reqlib.AttachIf argument 1 → link.AttachTCX\)`
}

// Passed on from a parameter: this function's callers decide.
func attachFwd(prog *ebpf.Program, have bool) { // want attachFwd:"when true, argument 1 needs BPF_LINK_TYPE_TCX"
	reqlib.AttachIf(prog, have)
}

//bpfcompat:checks BPF_LINK_TYPE_TCX
func haveTCX() bool { return false } // want haveTCX:"checks BPF_LINK_TYPE_TCX when true or nil"

func attachClassic(*ebpf.Program) {}
