// Package probewrap wraps probes as projects do: tables too. // want package:"exports bpf\\(2\\) wrappers or requirements"
//
// A wrapper of its own is called from other packages with constants, and
// tables of {program type, helper} pairs are probed entry by entry.
package probewrap

import (
	"errors"
	"log"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"
)

// HaveProgramHelper is cilium's wrapper: it returns the probe's
// ErrNotSupported and gives up on any other error. Both parameters reach
// only the probe (and a log line), and a nil result proves what the
// arguments name.
func HaveProgramHelper(pt ebpf.ProgramType, helper asm.BuiltinFunc) error { // want HaveProgramHelper:"checks what argument 0 names, what argument 1 names when true or nil" HaveProgramHelper:"probes the features named by argument 0, 1"
	err := features.HaveProgramHelper(pt, helper)
	if errors.Is(err, ebpf.ErrNotSupported) {
		return err
	}
	if err != nil {
		log.Fatalf("probing %v for %v: %v", helper, pt, err)
	}
	return nil
}

// HaveXDPHelper wraps the wrapper, naming the program type itself: the
// type is the inner wrapper's argument, not a use.
func HaveXDPHelper(logger *log.Logger, helper asm.BuiltinFunc) error { // want HaveXDPHelper:"checks what argument 1 names, BPF_PROG_TYPE_XDP when true or nil" HaveXDPHelper:"probes the features named by argument 1"
	logger.Printf("probing %v", helper)
	return HaveProgramHelper(ebpf.XDP, helper)
}

// ProgramHelper is a table entry: a helper and the program type it is
// probed for.
type ProgramHelper struct {
	Program ebpf.ProgramType
	Helper  asm.BuiltinFunc
}

// registry holds table entries deeper than a table does: whether a type
// can hold a feature does not depend on where it is first met.
type registry struct {
	byName map[string]ProgramHelper
}

func countEntries(r *registry) int { return len(r.byName) }

// HaveEntry probes one entry: its fields reach the probe.
func HaveEntry(ph ProgramHelper) bool { // want HaveEntry:"probes the features named by argument 0"
	return features.HaveProgramHelper(ph.Program, ph.Helper) == nil
}

// headerProbes is cilium's ExecuteHeaderProbes table: a loop hands each
// entry to the wrapper, and the results are only recorded.
var headerProbes = []ProgramHelper{
	{ebpf.CGroupSockAddr, asm.FnGetNetnsCookie},
	{ebpf.SchedCLS, asm.FnRedirectNeigh},
	{Program: ebpf.XDP, Helper: asm.FnXdpLoadBytes},
}

// ProbeHeaders probes the package's table.
func ProbeHeaders() map[ProgramHelper]bool {
	got := make(map[ProgramHelper]bool, len(headerProbes))
	for _, ph := range headerProbes {
		got[ph] = HaveProgramHelper(ph.Program, ph.Helper) == nil
	}
	return got
}

// ProbeByType probes a local map table, keyed by program type, through
// the library's probe: true proves every key and every value.
func ProbeByType() bool { // want ProbeByType:"checks BPF_PROG_TYPE_LSM, BPF_PROG_TYPE_SCHED_CLS, bpf_get_current_task_btf, bpf_skb_set_tstamp when true or nil"
	byType := map[ebpf.ProgramType]asm.BuiltinFunc{
		ebpf.LSM:      asm.FnGetCurrentTaskBtf,
		ebpf.SchedCLS: asm.FnSkbSetTstamp,
	}
	for pt, helper := range byType {
		if features.HaveProgramHelper(pt, helper) != nil {
			return false
		}
	}
	return true
}

// LoadWithHelper is no probe: it loads a program that calls the helper,
// so a constant passed to it is a use.
func LoadWithHelper(pt ebpf.ProgramType, helper asm.BuiltinFunc) (*ebpf.Program, error) {
	return ebpf.NewProgram(&ebpf.ProgramSpec{
		Type:         pt,
		Instructions: asm.Instructions{helper.Call(), asm.Return()},
		License:      "GPL",
	})
}

// LoadTable probes a table and also builds programs from it: its
// constants are uses.
func LoadTable() { // want LoadTable:"requires BPF_PROG_TYPE_LSM, bpf_get_netns_cookie"
	table := []ProgramHelper{
		{ebpf.LSM, asm.FnGetNetnsCookie}, // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `bpf_get_netns_cookie requires Linux 5.7`
	}
	for _, ph := range table {
		if HaveProgramHelper(ph.Program, ph.Helper) == nil {
			LoadWithHelper(ph.Program, ph.Helper)
		}
	}
}
