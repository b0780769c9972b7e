// Package objfilteruse loads specs objfilter filters: each call needs
// what the programs it names need.
package objfilteruse

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"

	"bpfcompat.test/objfilter"
)

const xdpProgram = "pass"

func xdp() {
	objfilter.With([]string{xdpProgram})
	objfilter.Named(xdpProgram, "enter_openat")
}

func lsm() {
	objfilter.With([]string{"check_open"}) // want `BPF_PROG_TYPE_LSM requires Linux 5.7, .*\(via objfilter.With: program check_open in progs.o\)` `BPF_LSM_MAC requires Linux 5.7`
	objfilter.Named("check_open")          // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
}

func lsmProbed() {
	if features.HaveProgramType(ebpf.LSM) != nil {
		return
	}
	objfilter.With([]string{"check_open"})
}
