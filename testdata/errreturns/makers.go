// Package errreturns has checks whose failure paths return errors of
// their own: a return that is never nil proves nothing and needs not.
package errreturns

import (
	"errors"
	"fmt"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/ringbuf"
)

// HaveRingBufErrorf gives up with an error of its own where the probe
// fails: fmt.Errorf's error is never nil.
func HaveRingBufErrorf() error { // want HaveRingBufErrorf:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	if features.HaveMapType(ebpf.RingBuf) != nil {
		return fmt.Errorf("no ring buffer")
	}
	return nil
}

// HaveRingBufNew is the same with errors.New.
func HaveRingBufNew() error { // want HaveRingBufNew:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	if features.HaveMapType(ebpf.RingBuf) != nil {
		return errors.New("no ring buffer")
	}
	return nil
}

// HaveRingBufJoin joins errors that may all be nil where the probe
// failed: errors.Join then returns nil, so nil proves nothing.
func HaveRingBufJoin(closeErr error) error {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		return errors.Join(closeErr, os.Remove("/tmp/ringbuf.lock"))
	}
	return nil
}

func useMakers(m *ebpf.Map, closeErr error) {
	if HaveRingBufErrorf() == nil {
		ringbuf.NewReader(m)
	}
	if HaveRingBufNew() == nil {
		ringbuf.NewReader(m)
	}
	if HaveRingBufJoin(closeErr) == nil {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}
