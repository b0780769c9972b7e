// Package objfilteruse loads specs objfilter filters: each call needs
// what the programs it names need.
package objfilteruse

import (
	"errors"

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

// The spec is loaded into the kernel by another package's function: the
// fallback after that call covers it.
func lsmFallback() error {
	spec, err := objfilter.With([]string{"check_open"})
	if err != nil {
		return err
	}
	if err := objfilter.LoadSpec(spec); errors.Is(err, ebpf.ErrNotSupported) {
		return nil
	} else if err != nil {
		return err
	}
	return nil
}

// The same load with no fallback.
func lsmNoFallback() error {
	spec, err := objfilter.With([]string{"check_open"}) // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
	if err != nil {
		return err
	}
	return objfilter.LoadSpec(spec)
}

// A probe before the load, through a function that hands the spec on to
// one of its own package.
func lsmProbedAtLoad() error {
	spec, err := objfilter.With([]string{"check_open"})
	if err != nil {
		return err
	}
	if features.HaveProgramType(ebpf.LSM) != nil {
		return nil
	}
	return objfilter.LoadVia(false, spec)
}

// The probe's twin: it tests another program type.
func xdpProbedAtLoad() error {
	spec, err := objfilter.With([]string{"check_open"}) // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
	if err != nil {
		return err
	}
	if features.HaveProgramType(ebpf.StructOps) != nil {
		return nil
	}
	return objfilter.LoadVia(false, spec)
}
