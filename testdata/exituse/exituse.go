// Package exituse gives up through exitlib, another package: a call that
// never returns there is an early exit here.
package exituse

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/ringbuf"

	"bpfcompat.test/exitlib"
)

func dies(m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		exitlib.Die("no ring buffers")
	}
	ringbuf.NewReader(m)
}

func diesFormatted(m *ebpf.Map) {
	if err := features.HaveMapType(ebpf.RingBuf); err != nil {
		exitlib.Fatalf("no ring buffers: %v", err)
	}
	ringbuf.NewReader(m)
}

func diesThroughLogger(m *ebpf.Map, log *exitlib.Logger) {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		log.Fatal("no ring buffers")
	}
	ringbuf.NewReader(m)
}

// The twins: a warning goes on, and so may DieIf.
func warns(m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		exitlib.Warn("no ring buffers")
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

func diesMaybe(m *ebpf.Map, err error) {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		exitlib.DieIf(err)
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}
