// Package tablelib probes tables of helpers, as projects do. // want package:"exports bpf\\(2\\) wrappers or requirements"
//
// A function that probes every entry of a constant table, and gives up on
// the first failure, checks them all.
package tablelib

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"
)

// VMALookupSupported probes two helpers for every program type in a
// table grown on a condition, in nested loops, and returns false with a
// reason on the first failure. Its true result proves both helpers, and
// the program type the table surely holds (not the one appended on a
// condition).
func VMALookupSupported(kprobe bool) (bool, string) { // want VMALookupSupported:"checks BPF_PROG_TYPE_PERF_EVENT, bpf_find_vma, bpf_get_current_task_btf when true or nil"
	progTypes := []ebpf.ProgramType{ebpf.PerfEvent}
	if kprobe {
		progTypes = append(progTypes, ebpf.Kprobe)
	}
	helpers := []asm.BuiltinFunc{asm.FnGetCurrentTaskBtf, asm.FnFindVma}
	for _, progType := range progTypes {
		for _, helper := range helpers {
			if err := features.HaveProgramHelper(progType, helper); err != nil {
				if errors.Is(err, ebpf.ErrNotSupported) {
					return false, fmt.Sprintf("%s is not supported for %s", helper, progType)
				}
				return false, fmt.Sprintf("probing %s for %s: %v", helper, progType, err)
			}
		}
	}
	return true, ""
}

// loopHelpers is a package table, probed entry by entry below.
var loopHelpers = [...]asm.BuiltinFunc{asm.FnLoop, asm.FnForEachMapElem}

// LoopHelpersSupported ranges over an array and returns the probe's
// error: nil proves every entry.
func LoopHelpersSupported() error { // want LoopHelpersSupported:"checks BPF_PROG_TYPE_XDP, bpf_for_each_map_elem, bpf_loop when true or nil"
	for _, h := range loopHelpers {
		if err := features.HaveProgramHelper(ebpf.XDP, h); err != nil {
			return err
		}
	}
	return nil
}

// What does not count.

// AnyRedirectSupported stops at the first helper found: true proves one
// of them, not each.
func AnyRedirectSupported() bool { // want AnyRedirectSupported:"checks BPF_PROG_TYPE_SCHED_CLS when true or nil"
	found := false
	for _, h := range []asm.BuiltinFunc{asm.FnRedirectNeigh, asm.FnRedirectPeer} {
		if features.HaveProgramHelper(ebpf.SchedCLS, h) == nil {
			found = true
			break
		}
	}
	return found
}

// FirstRedirectSupported returns on the first helper found.
func FirstRedirectSupported() bool { // want FirstRedirectSupported:"checks BPF_PROG_TYPE_SCHED_CLS when true or nil"
	for _, h := range []asm.BuiltinFunc{asm.FnRedirectNeigh, asm.FnRedirectPeer} {
		if features.HaveProgramHelper(ebpf.SchedCLS, h) == nil {
			return true
		}
	}
	return false
}

// TimestampsProbed probes but ignores what the probe says.
func TimestampsProbed() (bool, string) {
	for _, h := range []asm.BuiltinFunc{asm.FnSkbSetTstamp, asm.FnKtimeGetTaiNs} {
		if err := features.HaveProgramHelper(ebpf.SchedCLS, h); err != nil {
			fmt.Println("not supported:", h)
		}
	}
	return true, ""
}

// TimestampsSupported skips an entry on a condition: it proves nothing of
// the entries it may skip, and so nothing of the table.
func TimestampsSupported(tai bool) bool {
	for _, h := range []asm.BuiltinFunc{asm.FnSkbSetTstamp, asm.FnKtimeGetTaiNs} {
		if h == asm.FnKtimeGetTaiNs && !tai {
			continue
		}
		if features.HaveProgramHelper(ebpf.SchedCLS, h) != nil {
			return false
		}
	}
	return true
}

// RingbufHelpersSupported probes a table it has changed: the literal no
// longer says what was probed.
func RingbufHelpersSupported() bool { // want RingbufHelpersSupported:"checks BPF_PROG_TYPE_TRACING when true or nil" RingbufHelpersSupported:"requires bpf_map_lookup_elem"
	helpers := []asm.BuiltinFunc{asm.FnRingbufOutput, asm.FnRingbufReserve}
	helpers[1] = asm.FnMapLookupElem
	for _, h := range helpers {
		if features.HaveProgramHelper(ebpf.Tracing, h) != nil {
			return false
		}
	}
	return true
}

// SysHelpersSupported changes the entry it probes.
func SysHelpersSupported() bool { // want SysHelpersSupported:"checks BPF_PROG_TYPE_TRACING when true or nil"
	for _, h := range []asm.BuiltinFunc{asm.FnSysBpf, asm.FnBtfFindByNameKind} {
		if h == asm.FnSysBpf {
			h = asm.FnSysClose
		}
		if features.HaveProgramHelper(ebpf.Tracing, h) != nil {
			return false
		}
	}
	return true
}

// ProgramHelper is a table entry: a helper and the program type it is
// probed for.
type ProgramHelper struct {
	Program ebpf.ProgramType
	Helper  asm.BuiltinFunc
}

// sockHelpers is a table of entries, positional and keyed.
var sockHelpers = []ProgramHelper{
	{ebpf.CGroupSockAddr, asm.FnGetNetnsCookie},
	{Program: ebpf.SkLookup, Helper: asm.FnSkAssign},
}

// SockHelpersSupported probes each entry's fields: true proves them for
// every entry.
func SockHelpersSupported() bool { // want SockHelpersSupported:"checks BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_PROG_TYPE_SK_LOOKUP, bpf_get_netns_cookie, bpf_sk_assign when true or nil"
	for _, ph := range sockHelpers {
		if features.HaveProgramHelper(ph.Program, ph.Helper) != nil {
			return false
		}
	}
	return true
}

// IterHelpersSupported changes a field of the entry before probing it:
// what it probes is not what the table names, and the table, handed on
// changed, selects what it holds.
func IterHelpersSupported() bool { // want IterHelpersSupported:"requires BPF_PROG_TYPE_TRACING, bpf_seq_printf, bpf_seq_write"
	for _, ph := range []ProgramHelper{{ebpf.Tracing, asm.FnSeqPrintf}, {ebpf.Tracing, asm.FnSeqWrite}} { // want `BPF_PROG_TYPE_TRACING requires Linux 5.5` `bpf_seq_printf requires Linux 5.8` `BPF_PROG_TYPE_TRACING requires Linux 5.5` `bpf_seq_write requires Linux 5.8`
		ph.Helper++
		if features.HaveProgramHelper(ph.Program, ph.Helper) != nil {
			return false
		}
	}
	return true
}

// BTFLoadSupported is marked: a directive on a (bool, string) result
// says what its true result proves.
//
//bpfcompat:checks bpf_btf_find_by_name_kind
func BTFLoadSupported() (bool, string) { // want BTFLoadSupported:"checks bpf_btf_find_by_name_kind when true or nil"
	return len(asm.Instructions{}) == 0, "always"
}
