// Package objlib loads its embedded object in exported functions and // want package:"exports bpf\\(2\\) wrappers or requirements"
// through a hand-written spec loader: its callers, here and in other
// packages, decide what the loads need.
package objlib

import (
	"bytes"
	_ "embed"
	"sync"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
)

//go:embed lsm.o
var lsmObject []byte

// spec is a hand-written loader, no bpf2go name: the spec it returns keeps
// its object, so its calls are the load sites, not the load in it.
func spec() (*ebpf.CollectionSpec, error) {
	return ebpf.LoadCollectionSpecFromReader(bytes.NewReader(lsmObject))
}

// Spec hands the object on to other packages.
func Spec() (*ebpf.CollectionSpec, error) { // want Spec:"loads lsm.o, needing BPF_LSM_MAC, BPF_PROG_TYPE_LSM"
	return spec()
}

// Load loads the object and hands its error on: callers decide, with a
// probe before the call or a fallback after it.
func Load() error { // want Load:"loads lsm.o, needing BPF_LSM_MAC, BPF_PROG_TYPE_LSM"
	s, err := spec()
	if err != nil {
		return err
	}
	coll, err := ebpf.NewCollection(s)
	if err != nil {
		return err
	}
	coll.Close()
	return nil
}

// LoadIfSupported probes first: its callers inherit nothing.
func LoadIfSupported() error { // want LoadIfSupported:"loads lsm.o, needing nothing"
	if err := features.HaveProgramType(ebpf.LSM); err != nil {
		return nil
	}
	return Load()
}

// Called in this package: the call is the load site, checked with what
// holds there.
func loadAlways() error {
	return Load() // want `BPF_PROG_TYPE_LSM requires Linux 5.7, but the target is 5.4 \(via objlib.Load: program check_open in lsm.o\)` `BPF_LSM_MAC requires Linux 5.7, but the target is 5.4 \(via objlib.Load: program check_open in lsm.o\)`
}

func loadProbed() error {
	if features.HaveProgramType(ebpf.LSM) != nil {
		return nil
	}
	_, err := spec()
	return err
}

// A loader held in a variable: the call through it is the load site.
func viaVariable() error {
	load := spec
	_, err := load() // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
	return err
}

// Handed to another package, its calls are out of sight: where the value
// is taken is the load site.
var loadOnce = sync.OnceValues(spec) // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`

// A load in a function literal has no caller that decides: it is
// reported where it is.
var inLiteral = func() error {
	_, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(lsmObject)) // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
	return err
}
