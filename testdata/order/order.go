// Package order holds what once depended on the order of declarations: // want package:"exports bpf\\(2\\) wrappers or requirements"
// TestOrderIndependence runs it reversed too.
package order

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/ringbuf"
)

// A check helper a, an unexported g that uses the ring buffer, and H
// calling g only where supportRB, declared last, says yes: g's callers
// guard it, whichever is declared first, though inferring g's own check
// asks about its callers before supportRB is known to be a check.
func a() bool { // want a:"checks BPF_MAP_TYPE_BLOOM_FILTER when true or nil"
	return features.HaveMapType(ebpf.BloomFilter) == nil
}

func g(m *ebpf.Map) error { // want g:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	_, err := ringbuf.NewReader(m)
	return err
}

func H(m *ebpf.Map) error {
	if supportRB() {
		return g(m)
	}
	return nil
}

func supportRB() bool { // want supportRB:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	return features.HaveMapType(ebpf.RingBuf) == nil
}

// An options field forwarded through eleven functions, each declared
// before the one it calls: the requirement reaches the first.
type Opts struct{ Extra uint64 }

func use() *ebpf.MapSpec {
	return Step1(Opts{Extra: 3}) // want `BPF_MAP_CREATE.map_extra requires Linux 5.16`
}

func Step1(o Opts) *ebpf.MapSpec { // want Step1:"when non-zero, argument 0 field Extra needs BPF_MAP_CREATE.map_extra"
	return step2(o)
}

func step2(o Opts) *ebpf.MapSpec { // want step2:"when non-zero, argument 0 field Extra needs BPF_MAP_CREATE.map_extra"
	return step3(o)
}

func step3(o Opts) *ebpf.MapSpec { // want step3:"when non-zero, argument 0 field Extra needs BPF_MAP_CREATE.map_extra"
	return step4(o)
}

func step4(o Opts) *ebpf.MapSpec { // want step4:"when non-zero, argument 0 field Extra needs BPF_MAP_CREATE.map_extra"
	return step5(o)
}

func step5(o Opts) *ebpf.MapSpec { // want step5:"when non-zero, argument 0 field Extra needs BPF_MAP_CREATE.map_extra"
	return step6(o)
}

func step6(o Opts) *ebpf.MapSpec { // want step6:"when non-zero, argument 0 field Extra needs BPF_MAP_CREATE.map_extra"
	return step7(o)
}

func step7(o Opts) *ebpf.MapSpec { // want step7:"when non-zero, argument 0 field Extra needs BPF_MAP_CREATE.map_extra"
	return step8(o)
}

func step8(o Opts) *ebpf.MapSpec { // want step8:"when non-zero, argument 0 field Extra needs BPF_MAP_CREATE.map_extra"
	return step9(o)
}

func step9(o Opts) *ebpf.MapSpec { // want step9:"when non-zero, argument 0 field Extra needs BPF_MAP_CREATE.map_extra"
	return step10(o)
}

func step10(o Opts) *ebpf.MapSpec { // want step10:"when non-zero, argument 0 field Extra needs BPF_MAP_CREATE.map_extra"
	return step11(o)
}

func step11(o Opts) *ebpf.MapSpec { // want step11:"when non-zero, argument 0 field Extra needs BPF_MAP_CREATE.map_extra"
	return &ebpf.MapSpec{Type: ebpf.Hash, MapExtra: o.Extra}
}

// The field forwarded inside a literal of its own, by a function declared
// after its caller: the requirement reaches the caller all the same.
func useLiteral() *ebpf.MapSpec {
	return viaLiteral(Opts{Extra: 1}) // want `BPF_MAP_CREATE.map_extra requires Linux 5.16`
}

func viaLiteral(o Opts) *ebpf.MapSpec { // want viaLiteral:"when non-zero, argument 0 field Extra needs BPF_MAP_CREATE.map_extra"
	return step11(Opts{Extra: o.Extra})
}

// A cycle of calls: f3 and g3 call each other, and H3 calls f3 where
// supportRB said yes. Asked about f3 first, the old answer leaned on g3's
// callers, f3 itself, not yet known; asked about g3 first, it did not:
// f3 was reported in one order only. The callers' contexts are now a
// greatest fixpoint, computed callers first: the cycle starts at the top
// and descends to what H3, its one way in, proves. Every run of f3 and
// g3 starts at H3's guarded call, so neither use is reported, in any
// order.
func H3(m *ebpf.Map) {
	if supportRB() {
		f3(m, 1)
	}
}

func f3(m *ebpf.Map, n int) {
	ringbuf.NewReader(m)
	if supportRB() {
		g3(m, n)
	}
}

func g3(m *ebpf.Map, n int) {
	ringbuf.NewReader(m) // its one call site is guarded
	if n > 0 {
		f3(m, n-1)
	}
}

// The twin: H4 calls f4 unguarded, and the cycle's own guard on g4's call
// covers g4 only.
func H4(m *ebpf.Map) {
	f4(m, 1)
}

func f4(m *ebpf.Map, n int) {
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	if supportRB() {
		g4(m, n)
	}
}

func g4(m *ebpf.Map, n int) {
	ringbuf.NewReader(m)
	if n > 0 {
		f4(m, n-1)
	}
}
