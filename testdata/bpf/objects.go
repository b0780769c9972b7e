// Package bpf loads the test objects as bpf2go projects and hand-written
// loaders do; the analyzer reports what each object needs at the Go
// expression that loads it.
package bpf

import (
	"bytes"
	"errors"
	_ "embed"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
)

//go:embed maps.o
var mapsObject []byte

//go:embed progs.o
var progsObject []byte

//go:embed loops.o
var loopsObject []byte

// A bpf2go loader, called from hand-written code.
func startHelpers() error {
	var objs struct{}
	return loadHelpersObjects(&objs, nil) // want `bpf_loop requires Linux 5.17, but the target is 5.4 \(program trace_open, instruction \d+ in helpers.o\)` `BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4 \(map events in helpers.o\)` `bpf_ringbuf_output requires Linux 5.8, .*\(program trace_open, instruction \d+ in helpers.o\)` `callbacks requires Linux 5.13, .*\(program trace_open, instruction \d+ in helpers.o\)`
}

func maps() (*ebpf.CollectionSpec, error) {
	return ebpf.LoadCollectionSpecFromReader(bytes.NewReader(mapsObject)) // want `BPF_F_MMAPABLE requires Linux 5.5, .*\(map counters in maps.o\)` `BPF_MAP_TYPE_RINGBUF requires Linux 5.8, .*\(map events in maps.o\)` `BPF_MAP_TYPE_BLOOM_FILTER requires Linux 5.16, .*\(map seen in maps.o\)`
}

func progs() (*ebpf.CollectionSpec, error) {
	return ebpf.LoadCollectionSpecFromReader(bytes.NewReader(progsObject)) // want `BPF_PROG_TYPE_LSM requires Linux 5.7, .*\(program check_open in progs.o\)` `BPF_LSM_MAC requires Linux 5.7, .*\(program check_open in progs.o\)`
}

// A bounded loop and jmp32 (5.3, 5.1): nothing the target lacks.
func loops() (*ebpf.CollectionSpec, error) {
	return ebpf.LoadCollectionSpecFromReader(bytes.NewReader(loopsObject))
}

// Loaded only where the kernel has LSM programs: nothing to report.
func progsGuarded() (*ebpf.CollectionSpec, error) {
	if err := features.HaveProgramType(ebpf.LSM); err != nil {
		return nil, err
	}
	return ebpf.LoadCollectionSpecFromReader(bytes.NewReader(progsObject))
}

// A path the source tree lacks is opened at run time, relative to the
// process: an object built or installed on the machine. Nothing to check.
func builtAtRunTime() (*ebpf.CollectionSpec, error) {
	return ebpf.LoadCollectionSpec("nope.o")
}

// A file that is there but is no BPF object is said so.
func notAnObject() (*ebpf.CollectionSpec, error) {
	return ebpf.LoadCollectionSpec("src/build.sh") // want `cannot read BPF object build.sh`
}

// The LSM program is dropped from the spec when the kernel lacks LSM
// programs; the XDP and tracepoint programs stay, and are old enough.
func progsDropped() (*ebpf.CollectionSpec, error) {
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(progsObject))
	if err != nil {
		return nil, err
	}
	if features.HaveProgramType(ebpf.LSM) != nil {
		delete(spec.Programs, "check_open")
	}
	return spec, nil
}

// Dropping another program does not help the LSM one.
func progsDroppedWrong() (*ebpf.CollectionSpec, error) {
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(progsObject)) // want `BPF_PROG_TYPE_LSM requires Linux 5.7, .*\(program check_open in progs.o\)` `BPF_LSM_MAC requires Linux 5.7, .*\(program check_open in progs.o\)`
	if err != nil {
		return nil, err
	}
	if features.HaveProgramType(ebpf.LSM) != nil {
		delete(spec.Programs, "pass")
	}
	return spec, nil
}

// The LSM program is replaced by the XDP one when the kernel lacks LSM
// programs.
func progsReplaced() (*ebpf.CollectionSpec, error) {
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(progsObject))
	if err != nil {
		return nil, err
	}
	if err := features.HaveProgramType(ebpf.LSM); err != nil {
		spec.Programs["check_open"] = spec.Programs["pass"]
	}
	return spec, nil
}

// Parsing cannot fail for want of a feature; loading can. The spec is
// loaded into the kernel only where it has LSM programs.
func loadedIfLSM() error {
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(progsObject))
	if err != nil {
		return err
	}
	if features.HaveProgramType(ebpf.LSM) != nil {
		return nil
	}
	var objs struct{}
	return spec.LoadAndAssign(&objs, nil)
}

// Loaded with a fallback on the load's own failure.
func loadedOrClassic() error {
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(progsObject))
	if err != nil {
		return err
	}
	coll, err := ebpf.NewCollection(spec)
	if errors.Is(err, ebpf.ErrNotSupported) {
		return attachClassic()
	} else if err != nil {
		return err
	}
	coll.Close()
	return nil
}

func attachClassic() error { return nil }

// The twin of both: loaded unguarded, its error handed on.
func loadedAlways() error {
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(progsObject)) // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
	if err != nil {
		return err
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		return err
	}
	coll.Close()
	return nil
}

// Passed on to a function that loads it: that call is the load.
func loadedByHelperIfLSM() error {
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(progsObject))
	if err != nil {
		return err
	}
	if features.HaveProgramType(ebpf.LSM) != nil {
		return nil
	}
	return loadSpec(spec)
}

// The twin, unguarded.
func loadedByHelper() error {
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(progsObject)) // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
	if err != nil {
		return err
	}
	return loadSpec(spec)
}

func loadSpec(spec *ebpf.CollectionSpec) error {
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		return err
	}
	coll.Close()
	return nil
}
