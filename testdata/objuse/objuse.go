// Package objuse calls objlib's loaders: each call is a load site, guarded // want package:"exports bpf\\(2\\) wrappers or requirements"
// or not by what the caller does around it.
package objuse

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"

	"bpfcompat.test/objlib"
)

func unguarded() error {
	return objlib.Load() // want `BPF_PROG_TYPE_LSM requires Linux 5.7, but the target is 5.4 \(via objlib.Load: program check_open in lsm.o\)` `BPF_LSM_MAC requires Linux 5.7, but the target is 5.4 \(via objlib.Load: program check_open in lsm.o\)`
}

// A probe before the call covers the load inside it.
func probeFirst() error {
	if err := features.HaveProgramType(ebpf.LSM); err != nil {
		return nil
	}
	return objlib.Load()
}

// A fallback after the call covers it too.
func fallback() error {
	if err := objlib.Load(); errors.Is(err, ebpf.ErrNotSupported) {
		return loadClassic()
	} else if err != nil {
		return err
	}
	return nil
}

func loadClassic() error { return nil }

// Handing the error on to a caller that falls back (cilium's socket
// destroyer: LoadSockTerm's error reaches NewSocketDestroyer, which uses
// netlink instead): the caller decides.
func newDestroyer() (string, error) {
	if err := objlib.Load(); err != nil {
		return "", fmt.Errorf("loading the destroyer: %w", err)
	}
	return "bpf", nil
}

func Destroyer() string {
	d, err := newDestroyer()
	if errors.Is(err, ebpf.ErrNotSupported) {
		return "netlink"
	}
	return d
}

// The same, with a caller that gives up: the load is reported.
func newStrictDestroyer() (string, error) {
	if err := objlib.Load(); err != nil { // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
		return "", fmt.Errorf("loading the destroyer: %w", err)
	}
	return "bpf", nil
}

func StrictDestroyer() string {
	d, err := newStrictDestroyer()
	if err != nil {
		panic(err)
	}
	return d
}

// A loader that probes inside needs nothing of its callers.
func probedInside() error {
	return objlib.LoadIfSupported()
}

// The spec another package hands on is loaded where it is obtained.
func fromSpec() error {
	s, err := objlib.Spec() // want `BPF_PROG_TYPE_LSM requires Linux 5.7, but the target is 5.4 \(via objlib.Spec: program check_open in lsm.o\)` `BPF_LSM_MAC requires Linux 5.7`
	if err != nil {
		return err
	}
	_, err = ebpf.NewCollection(s)
	return err
}

// Exported again: the requirement passes on to this package's importers.
func Start() error { // want Start:"loads lsm.o, needing BPF_LSM_MAC, BPF_PROG_TYPE_LSM"
	return objlib.Load()
}
