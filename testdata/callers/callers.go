// Package callers uses features in unexported functions whose every call
// site guards them, or falls back when they fail.
package callers

import (
	"errors"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
)

// Every caller proves or assumes a ring buffer.
func openRing(m *ebpf.Map) {
	ringbuf.NewReader(m)
}

func probed(m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) == nil {
		openRing(m)
	}
}

func byType(m *ebpf.Map) {
	if m.Type() != ebpf.RingBuf {
		return
	}
	openRing(m)
}

// Through two unexported functions.
func openRingTwice(m *ebpf.Map) {
	openRing(m)
	openRing(m)
}

func probedTwice(m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		return
	}
	openRingTwice(m)
}

// One caller does not guard: the body is reported.
func readRing(m *ebpf.Map) {
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

func guardedRead(m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) == nil {
		readRing(m)
	}
}

func unguardedRead(m *ebpf.Map) {
	readRing(m)
}

// A function used as a value has callers out of sight.
func hooked(m *ebpf.Map) {
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

var hook = hooked

func callsHooked(m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) == nil {
		hooked(m)
	}
}

// So does a method that an interface of the package may call.
type opener interface{ open(*ebpf.Map) }

type ringOpener struct{}

func (ringOpener) open(m *ebpf.Map) {
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

var _ opener = ringOpener{}

func callsOpen(m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) == nil {
		ringOpener{}.open(m)
	}
}

// A recursive call vouches for itself: every run of drain starts at
// callsDrain's guarded call, so the use is guarded (the callers' context
// is a greatest fixpoint, from the top of the lattice down).
func drain(m *ebpf.Map, n int) {
	if n > 0 {
		drain(m, n-1)
	}
	ringbuf.NewReader(m)
}

func callsDrain(m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) == nil {
		drain(m, 3)
	}
}

// Its twin's way in is not guarded: the recursion adds nothing.
func drainAll(m *ebpf.Map, n int) {
	if n > 0 {
		drainAll(m, n-1)
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

func callsDrainAll(m *ebpf.Map) {
	drainAll(m, 3)
}

// A cycle nothing outside calls has no context: its use is reported.
func spinA(m *ebpf.Map) {
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	spinB(m)
}

func spinB(m *ebpf.Map) { spinA(m) }

// Every caller falls back: the use is tried.
func tryTCX(prog *ebpf.Program, ifindex int) (link.Link, error) {
	l, err := link.AttachTCX(link.TCXOptions{Interface: ifindex, Program: prog, Attach: ebpf.AttachTCXIngress})
	if err != nil {
		return nil, err
	}
	return l, nil
}

func attach(prog *ebpf.Program, ifindex int) (link.Link, error) {
	l, err := tryTCX(prog, ifindex)
	if errors.Is(err, ebpf.ErrNotSupported) {
		return attachClassic(prog, ifindex)
	}
	return l, err
}

func attachClassic(prog *ebpf.Program, ifindex int) (link.Link, error) { return nil, nil }

// One caller hands the failure on.
func tryTCXOnce(prog *ebpf.Program, ifindex int) (link.Link, error) {
	return link.AttachTCX(link.TCXOptions{Interface: ifindex, Program: prog, Attach: ebpf.AttachTCXIngress}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6` `BPF_TCX_INGRESS requires Linux 6.6`
}

func attachFallback(prog *ebpf.Program, ifindex int) (link.Link, error) {
	l, err := tryTCXOnce(prog, ifindex)
	if errors.Is(err, ebpf.ErrNotSupported) {
		return attachClassic(prog, ifindex)
	}
	return l, err
}

func attachOnly(prog *ebpf.Program, ifindex int) (link.Link, error) {
	return tryTCXOnce(prog, ifindex)
}

// A guard passed down: every caller's argument proves the ring buffer.
func readIf(m *ebpf.Map, haveRing bool) {
	if haveRing {
		ringbuf.NewReader(m)
	}
}

// One caller passes a plain true.
func readIfTold(m *ebpf.Map, haveRing bool) {
	if haveRing {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

func passesGuard(m *ebpf.Map) {
	ok := features.HaveMapType(ebpf.RingBuf) == nil
	readIf(m, ok)
	readIf(m, features.HaveMapType(ebpf.RingBuf) == nil)
	readIfTold(m, ok)
	readIfTold(m, true)
}
