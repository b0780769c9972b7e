// Package implied uses features on paths that only run when data names a
// feature: a switch on a program type, a comparison with a map type, a
// mapped field that is set. Such data was chosen, and checked, where it
// was made; the path assumes what it names and is checked for the rest.
package implied

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"
)

// Each case assumes its program type, as features/prog.go does.
func attachTypeFor(pt ebpf.ProgramType, spec *ebpf.ProgramSpec) {
	switch pt {
	case ebpf.SkLookup:
		spec.AttachType = ebpf.AttachSkLookup // the program type's own release
	case ebpf.Syscall:
		spec.Flags = 1 << 4 // BPF_F_SLEEPABLE, 5.10: older than syscall programs
	case ebpf.XDP:
		spec.AttachType = ebpf.AttachXDP // want `BPF_XDP requires Linux 5.9, but the target is 5.4`
	case ebpf.Tracing, ebpf.LSM:
		// Either one: at least the older of the two, 5.5.
		spec.AttachType = ebpf.AttachSkLookup // want `BPF_SK_LOOKUP requires Linux 5.9, but the target is 5.5`
	case ebpf.Tracing + 100, ebpf.Extension:
		// One is no feature: nothing is assumed.
		spec.AttachType = ebpf.AttachSkLookup // want `BPF_SK_LOOKUP requires Linux 5.9, but the target is 5.4`
	default:
		spec.AttachType = ebpf.AttachSkLookup // want `BPF_SK_LOOKUP requires Linux 5.9`
	}
}

func compared(m *ebpf.Map) {
	if m.Type() == ebpf.RingBuf {
		ringbuf.NewReader(m)
	}
	if ebpf.RingBuf == m.Type() && m.MaxEntries() > 0 {
		ringbuf.NewReader(m)
	}
	if m.Type() != ebpf.RingBuf {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if m.Type() == ebpf.RingBuf || m.MaxEntries() > 0 {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if m.Type() == ebpf.PerfEventArray {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

func earlyExit(m *ebpf.Map) {
	if m.Type() != ebpf.RingBuf {
		return
	}
	ringbuf.NewReader(m)
}

// A comparison is no probe: it makes no check function, and its callers
// are checked.
func isRingBuf(m *ebpf.Map) bool {
	return m.Type() == ebpf.RingBuf
}

func viaHelper(m *ebpf.Map) {
	if isRingBuf(m) {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// A set AttachTarget is an attach_prog_fd (5.5) the caller chose.
func targeted(spec *ebpf.ProgramSpec) {
	if spec.AttachTarget != nil {
		spec.AttachType = ebpf.AttachTraceFEntry
		spec.AttachType = ebpf.AttachTraceIter // want `BPF_TRACE_ITER requires Linux 5.8, but the target is 5.5`
	}
	if spec.AttachTarget == nil {
		spec.AttachType = ebpf.AttachTraceFEntry // want `BPF_TRACE_FENTRY requires Linux 5.5`
	}
}

// Past a switch whose default leaves, one of the other cases matched; a
// case on a struct of constants assumes each (cilium/ebpf's
// findProgramTargetInKernel).
func pastSwitch(pt ebpf.ProgramType, at ebpf.AttachType, spec *ebpf.ProgramSpec) error {
	type match struct {
		p ebpf.ProgramType
		a ebpf.AttachType
	}
	switch (match{pt, at}) {
	case match{ebpf.LSM, ebpf.AttachLSMMac}:
	case match{ebpf.Tracing, ebpf.AttachTraceFEntry}, match{ebpf.Tracing, ebpf.AttachTraceFExit}:
	default:
		return nil
	}
	spec.AttachType = ebpf.AttachTraceFEntry  // 5.5, and the oldest case is 5.5
	spec.AttachType = ebpf.AttachModifyReturn // want `BPF_MODIFY_RETURN requires Linux 5.7, but the target is 5.5`
	return nil
}

// A default that only breaks out of the switch reaches past it.
func pastSwitchBreak(pt ebpf.ProgramType, spec *ebpf.ProgramSpec) {
	switch pt {
	case ebpf.Tracing:
	default:
		break
	}
	spec.AttachType = ebpf.AttachTraceFEntry // want `BPF_TRACE_FENTRY requires Linux 5.5, but the target is 5.4`
}
