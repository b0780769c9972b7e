// Package objuse calls objlib.Start through a function of its own, and
// two calls up falls back on ErrNotSupported, as cilium's
// NewSocketDestroyer does.
package objuse

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"

	"bpfcompat.test/objlib"
)

type Tracer interface{ Trace() }

type bpfTracer struct{}

func (bpfTracer) Trace() {}

type procTracer struct{}

func (procTracer) Trace() {}

func newBPFTracer() (Tracer, error) {
	if err := objlib.Start(); err != nil {
		return nil, fmt.Errorf("starting: %w", err)
	}
	return bpfTracer{}, nil
}

func New() (Tracer, error) {
	t, err := newBPFTracer()
	if errors.Is(err, ebpf.ErrNotSupported) {
		// Falling back to reading /proc.
	} else if err != nil {
		return nil, err
	} else {
		return t, nil
	}
	return procTracer{}, nil
}

// The twin hands the failure on from an unexported function whose
// caller gives up.
func startStrict() error {
	return objlib.Start() // want `bpf_loop requires Linux 5.17, but the target is 5.4 \(via objlib.Start → fixups.o\)`
}

func Strict() {
	if err := startStrict(); err != nil {
		panic(err)
	}
}
