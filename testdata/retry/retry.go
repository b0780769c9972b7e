// Package retry holds loops over literals, which run at least once: what
// the loop's body assigns is all that reaches the code after it.
package retry

import (
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/ringbuf"
)

// A retry over a slice literal: err is the probe's, never the nil it was
// declared with.
func retried(m *ebpf.Map) {
	var err error
	for _, wait := range []time.Duration{0, time.Millisecond} {
		time.Sleep(wait)
		if err = features.HaveMapType(ebpf.RingBuf); err == nil {
			break
		}
	}
	if err != nil {
		return
	}
	ringbuf.NewReader(m)
}

// Its twin ranges over a slice that may be empty: err may be the nil it
// was declared with, which proves nothing.
func retriedMaybe(m *ebpf.Map, waits []time.Duration) {
	var err error
	for _, wait := range waits {
		time.Sleep(wait)
		if err = features.HaveMapType(ebpf.RingBuf); err == nil {
			break
		}
	}
	if err != nil {
		return
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// Ways to wait in a variable given a literal once, and a count: entered
// too.
func retriedFromVariable(m *ebpf.Map) {
	waits := []time.Duration{0, time.Millisecond}
	var err error
	for _, wait := range waits {
		time.Sleep(wait)
		if err = features.HaveMapType(ebpf.RingBuf); err == nil {
			break
		}
	}
	if err != nil {
		return
	}
	ringbuf.NewReader(m)
}

func retriedCount(m *ebpf.Map) {
	var err error
	for range 3 {
		if err = features.HaveMapType(ebpf.RingBuf); err == nil {
			break
		}
	}
	if err != nil {
		return
	}
	ringbuf.NewReader(m)
}

// Ranging over function values: the loop is entered, but calling one of
// them proves nothing.
func fallbackLoop(m *ebpf.Map) {
	var err error
	for _, probe := range []func() error{
		func() error { return features.HaveMapType(ebpf.RingBuf) },
		func() error { return features.HaveMapType(ebpf.BloomFilter) },
	} {
		if err = probe(); err == nil {
			break
		}
	}
	if err != nil {
		return
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// An array has a length however it is written: two tries, then none.
func arrays(m *ebpf.Map) {
	var err error
	var tries [2]struct{}
	for range tries {
		if err = features.HaveMapType(ebpf.RingBuf); err == nil {
			break
		}
	}
	if err == nil {
		ringbuf.NewReader(m)
	}
	var bloom error
	for range [0]int{} {
		bloom = features.HaveMapType(ebpf.BloomFilter)
	}
	if bloom == nil {
		ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.BloomFilter}) // want `BPF_MAP_TYPE_BLOOM_FILTER requires Linux 5.16`
	}
}
