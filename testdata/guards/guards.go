// Package guards uses features behind the checks real projects write.
package guards

import (
	"fmt"
	"log"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/ringbuf"
)

var cfg struct{ Ring bool }

// The use sits in the branch where the probe succeeded.
func ifNil(m *ebpf.Map) {
	if err := features.HaveMapType(ebpf.RingBuf); err == nil {
		ringbuf.NewReader(m)
	} else {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// An early exit when the probe fails guards the rest of the function.
func earlyReturn(m *ebpf.Map) error { // want earlyReturn:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	if err := features.HaveMapType(ebpf.RingBuf); err != nil {
		return err
	}
	ringbuf.NewReader(m)
	return nil
}

func earlyFatal(m *ebpf.Map) {
	err := features.HaveMapType(ebpf.RingBuf)
	if err != nil {
		log.Fatalf("no ring buffer: %v", err)
	}
	ringbuf.NewReader(m)
}

func inLoop(ms []*ebpf.Map) {
	for _, m := range ms {
		if features.HaveMapType(ebpf.RingBuf) != nil {
			continue
		}
		ringbuf.NewReader(m)
	}
}

// Compound conditions: &&, ||, ! and the else of a negation.
func compound(m *ebpf.Map) {
	if cfg.Ring && features.HaveMapType(ebpf.RingBuf) == nil {
		ringbuf.NewReader(m)
	}
	if cfg.Ring || features.HaveMapType(ebpf.RingBuf) == nil {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if !(features.HaveMapType(ebpf.RingBuf) == nil) {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	} else {
		ringbuf.NewReader(m)
	}
	if features.HaveMapType(ebpf.RingBuf) != nil || features.HaveMapType(ebpf.BloomFilter) != nil {
		return
	}
	ringbuf.NewReader(m)
	_ = ebpf.MapSpec{Type: ebpf.BloomFilter}
}

// The result stored in a variable, bool or error, and used later.
func stored(m *ebpf.Map) {
	useRB := cfg.Ring && features.HaveMapType(ebpf.RingBuf) == nil
	if useRB {
		ringbuf.NewReader(m)
	}
	err := features.HaveMapType(ebpf.RingBuf)
	if err == nil {
		ringbuf.NewReader(m)
	}
}

// A variable assigned twice proves nothing: which value reaches the check
// is a question of flow.
func reassigned(m *ebpf.Map) {
	err := features.HaveMapType(ebpf.RingBuf)
	err = nil
	if err == nil {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// A switch on the result.
func switched(m *ebpf.Map) {
	switch err := features.HaveMapType(ebpf.RingBuf); {
	case err == nil:
		ringbuf.NewReader(m)
	default:
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// A guard proves exactly what it probes.
func wrongProbe() *ebpf.ProgramSpec {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		return nil
	}
	return &ebpf.ProgramSpec{Type: ebpf.LSM} // want `BPF_PROG_TYPE_LSM requires Linux 5.7`
}

func programProbe() *ebpf.ProgramSpec {
	if features.HaveProgramType(ebpf.LSM) != nil {
		return nil
	}
	return &ebpf.ProgramSpec{Type: ebpf.LSM}
}

// A closure may run anywhere, but exists only where it was made: it holds
// what held there, as the kernel keeps its features.
func closure(m *ebpf.Map) func() {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		return func() {
			ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
		}
	}
	return func() {
		ringbuf.NewReader(m)
	}
}

// features.HaveMapFlag proves a map flag.
func mapFlag() *ebpf.MapSpec {
	if features.HaveMapFlag(features.BPF_F_MMAPABLE) != nil {
		return &ebpf.MapSpec{Type: ebpf.Array, Flags: 0x400 | 0x1000} // want `BPF_F_INNER_MAP requires Linux 5.10`
	}
	return &ebpf.MapSpec{Type: ebpf.Array, Flags: 0x400}
}

func helperProbe() []asm.Instruction {
	if features.HaveProgramHelper(ebpf.Kprobe, asm.FnRingbufOutput) == nil {
		return asm.Instructions{asm.FnRingbufOutput.Call()}
	}
	return asm.Instructions{asm.FnPerfEventOutput.Call()}
}

// An error variable assigned more than once: a test right after an
// assignment is about that assignment (pwru's HaveBPFLinkTracing).
func reusedErr(m *ebpf.Map) error { // want reusedErr:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	_, err := fmt.Println()
	if err != nil {
		return err
	}
	err = features.HaveMapType(ebpf.RingBuf)
	if err != nil {
		return err
	}
	ringbuf.NewReader(m)
	return nil
}

func haveRingReused() bool { // want haveRingReused:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	_, err := fmt.Println()
	if err != nil {
		return false
	}
	err = features.HaveMapType(ebpf.RingBuf)
	if err != nil {
		return false
	}
	return true
}

// Something else in between: the assignment that reaches the test is
// still the probe's.
func staleErr(m *ebpf.Map) error { // want staleErr:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	_, err := fmt.Println()
	err = features.HaveMapType(ebpf.RingBuf)
	fmt.Println("probed")
	if err != nil {
		return err
	}
	ringbuf.NewReader(m)
	return nil
}
