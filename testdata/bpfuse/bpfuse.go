// Package bpfuse loads bpfgen's object from another package: directly, and
// through loaders kept as values.
package bpfuse

import (
	"sync"

	"github.com/cilium/ebpf"

	"bpfcompat.test/bpfgen"
)

func direct() error {
	var objs struct{}
	return bpfgen.LoadFixupsObjects(&objs, nil) // want `bpf_ktime_get_boot_ns requires Linux 5.8, but the target is 5.4 \(program boot_time, instruction \d+ in fixups.o\)` `bpf_loop requires Linux 5.17, but the target is 5.4 \(program boot_time, instruction \d+ in fixups.o\)` `callbacks requires Linux 5.13, but the target is 5.4 \(program boot_time, instruction \d+ in fixups.o\)`
}

// A loader in a struct field, called through it: the call loads.
type probe struct {
	specFn func() (*ebpf.CollectionSpec, error)
}

func viaField() (*ebpf.CollectionSpec, error) {
	p := &probe{specFn: bpfgen.LoadFixups}
	return p.specFn() // want `bpf_ktime_get_boot_ns requires Linux 5.8` `bpf_loop requires Linux 5.17` `callbacks requires Linux 5.13`
}

// A loader in a variable, and one passed as an argument.
func viaVariable() (*ebpf.CollectionSpec, error) {
	load := bpfgen.LoadFixups
	return load() // want `bpf_ktime_get_boot_ns requires Linux 5.8` `bpf_loop requires Linux 5.17` `callbacks requires Linux 5.13`
}

func run(load func() (*ebpf.CollectionSpec, error)) error {
	_, err := load() // want `bpf_ktime_get_boot_ns requires Linux 5.8` `bpf_loop requires Linux 5.17` `callbacks requires Linux 5.13`
	return err
}

func viaArgument() error {
	return run(bpfgen.LoadFixups)
}

// Probe is exported: its field may be called in any package, so where the
// loader is stored is the load site.
type Probe struct {
	SpecFn func() (*ebpf.CollectionSpec, error)
}

func NewProbe() *Probe {
	return &Probe{SpecFn: bpfgen.LoadFixups} // want `bpf_ktime_get_boot_ns requires Linux 5.8` `bpf_loop requires Linux 5.17` `callbacks requires Linux 5.13`
}

// Handed to a function of another package: the value is the load site.
var loadOnce = sync.OnceValues(bpfgen.LoadFixups) // want `bpf_ktime_get_boot_ns requires Linux 5.8` `bpf_loop requires Linux 5.17` `callbacks requires Linux 5.13`

// Compared, not taken: no load.
func loaded(p *Probe) bool {
	return p.SpecFn != nil
}
