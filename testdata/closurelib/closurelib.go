// Package closurelib makes closures that use features. // want package:"exports bpf\\(2\\) wrappers or requirements"
package closurelib

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
)

// NewReader returns a closure that opens a ring buffer and hands its
// failure on: the closure, not the factory, needs the ring buffer, and is
// checked where it is called.
func NewReader(m *ebpf.Map) func() (*ringbuf.Reader, error) { // want NewReader:"its closures require BPF_MAP_TYPE_RINGBUF \\(via ringbuf.NewReader\\)"
	return func() (*ringbuf.Reader, error) {
		return ringbuf.NewReader(m)
	}
}

// NewAttacher declares what it and its closures need: they are covered,
// and its callers are checked.
//
//bpfcompat:requires BPF_LINK_TYPE_TCX
func NewAttacher(prog *ebpf.Program) func() error { // want NewAttacher:"requires BPF_LINK_TYPE_TCX"
	return func() error {
		_, err := link.AttachTCX(link.TCXOptions{Program: prog})
		return err
	}
}

// NewPoller's closure drops the failure: its body is where that is
// decided, and its callers are still checked.
func NewPoller(m *ebpf.Map) func() { // want NewPoller:"its closures require BPF_MAP_TYPE_RINGBUF \\(via ringbuf.NewReader\\)"
	return func() {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// NewGuarded makes its closure only where the probe said yes: the closure
// holds what held where it was made.
func NewGuarded(m *ebpf.Map) func() {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		return nil
	}
	return func() {
		ringbuf.NewReader(m)
	}
}
