package errreturns

import (
	"fmt"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/ringbuf"
)

// setup can fail for reasons of its own, before the probe: a return of
// its error proves nothing, and is a check's failure only where the
// error cannot be nil there.
func setup() error { return os.MkdirAll("/run/probe", 0o755) }

func cleanup() error { return os.RemoveAll("/run/probe") }

var retry bool

// The error is tested in the else branch.
func HaveRingBufElse() error { // want HaveRingBufElse:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	err := setup()
	if err == nil {
		return features.HaveMapType(ebpf.RingBuf)
	} else {
		return err
	}
}

// The twin returns the error where it is nil.
func HaveRingBufElseNil() error {
	err := setup()
	if err != nil {
		return features.HaveMapType(ebpf.RingBuf)
	} else {
		return err
	}
}

// A switch without a tag, with an init.
func HaveRingBufSwitch() error { // want HaveRingBufSwitch:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	switch err := setup(); {
	case err != nil:
		return err
	default:
		return features.HaveMapType(ebpf.RingBuf)
	}
}

// The twin's case is also taken when retry is set, the error nil.
func HaveRingBufSwitchOr() error {
	switch err := setup(); {
	case err != nil || retry:
		return err
	default:
		return features.HaveMapType(ebpf.RingBuf)
	}
}

// A switch on the error: its default is taken where it is not nil.
func HaveRingBufTagSwitch() error { // want HaveRingBufTagSwitch:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	switch err := setup(); err {
	case nil:
	default:
		return err
	}
	return features.HaveMapType(ebpf.RingBuf)
}

// The twin returns it in the case where it is nil.
func HaveRingBufTagSwitchNil() error {
	switch err := setup(); err {
	case nil:
		return err
	}
	return features.HaveMapType(ebpf.RingBuf)
}

// An if with an init, and a conjunct.
func HaveRingBufInit(verbose bool) error { // want HaveRingBufInit:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	if err := setup(); err != nil && verbose {
		return err
	} else if err != nil {
		return err
	}
	return features.HaveMapType(ebpf.RingBuf)
}

// The twin's disjunct lets a nil error through.
func HaveRingBufInitOr() error {
	if err := setup(); err != nil || retry {
		return err
	}
	return features.HaveMapType(ebpf.RingBuf)
}

// A negated test.
func HaveRingBufNegated() error { // want HaveRingBufNegated:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	err := setup()
	if !(err == nil) {
		return err
	}
	return features.HaveMapType(ebpf.RingBuf)
}

// The twin negates the other test.
func HaveRingBufNegatedNil() error {
	err := setup()
	if !(err != nil) {
		return err
	}
	return features.HaveMapType(ebpf.RingBuf)
}

// The error is wrapped between the test and the return: still not nil.
func HaveRingBufWrapped() error { // want HaveRingBufWrapped:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	err := setup()
	if err != nil {
		err = fmt.Errorf("setting up: %w", err)
		return err
	}
	return features.HaveMapType(ebpf.RingBuf)
}

// The twin replaces it with one that may be nil.
func HaveRingBufReplaced() error {
	err := setup()
	if err != nil {
		err = cleanup()
		return err
	}
	return features.HaveMapType(ebpf.RingBuf)
}

func useSpellings(m *ebpf.Map) {
	if HaveRingBufElse() == nil {
		ringbuf.NewReader(m)
	}
	if HaveRingBufElseNil() == nil {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if HaveRingBufSwitch() == nil {
		ringbuf.NewReader(m)
	}
	if HaveRingBufSwitchOr() == nil {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if HaveRingBufTagSwitch() == nil {
		ringbuf.NewReader(m)
	}
	if HaveRingBufTagSwitchNil() == nil {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if HaveRingBufInit(true) == nil {
		ringbuf.NewReader(m)
	}
	if HaveRingBufInitOr() == nil {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if HaveRingBufNegated() == nil {
		ringbuf.NewReader(m)
	}
	if HaveRingBufNegatedNil() == nil {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if HaveRingBufWrapped() == nil {
		ringbuf.NewReader(m)
	}
	if HaveRingBufReplaced() == nil {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}
