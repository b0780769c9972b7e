// Package probewrapuse calls another package's probe wrappers. // want package:"exports bpf\\(2\\) wrappers or requirements"
//
// The features it names to them are their arguments, and their results
// guard.
package probewrapuse

import (
	"fmt"
	"log"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"

	"bpfcompat.test/probewrap"
)

// Naming a feature to the wrapper selects nothing; its result is a check
// in its turn.
func named() bool { // want named:"checks BPF_PROG_TYPE_SCHED_CLS, bpf_redirect_neigh, bpf_redirect_peer when true or nil"
	if probewrap.HaveProgramHelper(ebpf.SchedCLS, asm.FnRedirectNeigh) != nil ||
		probewrap.HaveProgramHelper(ebpf.SchedCLS, asm.FnRedirectPeer) != nil {
		log.Print("host routing needs Linux 5.10")
		return false
	}
	return probewrap.HaveEntry(probewrap.ProgramHelper{Program: ebpf.LSM, Helper: asm.FnGetCurrentTaskBtf})
}

// The wrapper's nil result proves what its arguments name.
func guarded() asm.Instructions {
	if probewrap.HaveProgramHelper(ebpf.SchedCLS, asm.FnRedirectNeigh) == nil {
		return asm.Instructions{asm.FnRedirectNeigh.Call()}
	}
	return nil
}

func guardedByEarlyExit() *ebpf.ProgramSpec {
	if err := probewrap.HaveProgramHelper(ebpf.LSM, asm.FnGetCurrentTaskBtf); err != nil {
		return nil
	}
	return &ebpf.ProgramSpec{
		Type:         ebpf.LSM,
		Instructions: asm.Instructions{asm.FnGetCurrentTaskBtf.Call(), asm.Return()},
	}
}

func guardedByOuterWrapper() asm.Instructions {
	if probewrap.HaveXDPHelper(log.Default(), asm.FnXdpLoadBytes) != nil {
		return nil
	}
	return asm.Instructions{asm.FnXdpLoadBytes.Call()}
}

// haveTCHelper wraps the other package's wrapper: its parameter reaches a
// probe through that wrapper's fact.
func haveTCHelper(helper asm.BuiltinFunc) bool { // want haveTCHelper:"checks what argument 0 names, BPF_PROG_TYPE_SCHED_CLS when true or nil" haveTCHelper:"probes the features named by argument 0"
	return probewrap.HaveProgramHelper(ebpf.SchedCLS, helper) == nil
}

func guardedByLocalWrapper() asm.Instructions {
	if !haveTCHelper(asm.FnSkbSetTstamp) {
		return nil
	}
	return asm.Instructions{asm.FnSkbSetTstamp.Call()}
}

// Twins: another helper than the one probed, and no probe at all.
func otherHelper() asm.Instructions {
	if probewrap.HaveProgramHelper(ebpf.SchedCLS, asm.FnRedirectNeigh) == nil {
		return asm.Instructions{asm.FnRedirectPeer.Call()} // want `bpf_redirect_peer requires Linux 5.10`
	}
	return nil
}

func unguarded() asm.Instructions {
	return asm.Instructions{asm.FnForEachMapElem.Call()} // want `bpf_for_each_map_elem requires Linux 5.13`
}

// A function that is no probe: its arguments are uses.
func notAProbe() {
	probewrap.LoadWithHelper(ebpf.LSM, asm.FnFindVma) // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `bpf_find_vma requires Linux 5.17`
}

// The profiler's table: a slice that nested loops hand to the probe. A
// nil result proves every entry of both tables.
func probeVMALookup() error { // want probeVMALookup:"checks BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_PERF_EVENT, bpf_find_vma, bpf_get_current_task_btf when true or nil"
	helpers := []asm.BuiltinFunc{asm.FnGetCurrentTaskBtf, asm.FnFindVma}
	for _, pt := range []ebpf.ProgramType{ebpf.PerfEvent, ebpf.Kprobe} {
		for _, helper := range helpers {
			if err := features.HaveProgramHelper(pt, helper); err != nil {
				return fmt.Errorf("%s is not supported for %s: %w", helper, pt, err)
			}
		}
	}
	return nil
}

// The profiler's program types: a table that grows by appends. A nil
// result proves what it surely holds, not what is appended on a
// condition.
func probeOffCPU(offCPU bool) error { // want probeOffCPU:"checks BPF_PROG_TYPE_PERF_EVENT when true or nil"
	progTypes := []ebpf.ProgramType{ebpf.PerfEvent}
	if offCPU {
		progTypes = append(progTypes, ebpf.Tracing)
	}
	for _, pt := range progTypes {
		if err := features.HaveProgramType(pt); err != nil {
			return fmt.Errorf("%s: %w", pt, err)
		}
	}
	return nil
}

// Twin: the grown table is also returned, and selects what it holds.
func grownAndReturned(offCPU bool) []ebpf.ProgramType {
	progTypes := []ebpf.ProgramType{ebpf.PerfEvent}
	if offCPU {
		progTypes = append(progTypes, ebpf.Tracing) // want `BPF_PROG_TYPE_TRACING requires Linux 5.5`
	}
	for _, pt := range progTypes {
		if features.HaveProgramType(pt) != nil {
			return nil
		}
	}
	return progTypes
}

// A table whose entries are also returned selects what it holds.
func leakedTable() []asm.BuiltinFunc {
	helpers := []asm.BuiltinFunc{asm.FnFindVma} // want `bpf_find_vma requires Linux 5.17`
	for _, helper := range helpers {
		if features.HaveProgramHelper(ebpf.Tracing, helper) != nil {
			return nil
		}
	}
	return helpers
}
