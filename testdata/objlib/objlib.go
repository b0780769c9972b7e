// Package objlib loads bpfgen's object in exported functions. One hands // want package:"exports bpf\\(2\\) wrappers or requirements"
// the load's failure on: its callers decide, and the object's needs are
// its requirement. The other gives up: reported where it loads.
package objlib

import (
	"fmt"
	"log"

	"github.com/cilium/ebpf"

	"bpfcompat.test/bpfgen"
)

// Start returns the load's error, wrapped.
func Start() error { // want Start:"requires bpf_ktime_get_boot_ns, bpf_loop, callbacks \\(via fixups.o\\)"
	var objs struct{}
	if err := bpfgen.LoadFixupsObjects(&objs, nil); err != nil {
		return fmt.Errorf("loading fixups: %w", err)
	}
	return nil
}

// MustStart gives up when the load fails: no caller can decide.
func MustStart() {
	var objs struct{}
	if err := bpfgen.LoadFixupsObjects(&objs, nil); err != nil { // want `bpf_ktime_get_boot_ns requires Linux 5.8` `bpf_loop requires Linux 5.17` `callbacks requires Linux 5.13`
		log.Fatal(err)
	}
}

// Spec and SpecChecked return the spec for their callers to load: their
// success says nothing of the kernel, so the object is reported where it
// is read.
func Spec() (*ebpf.CollectionSpec, error) {
	return bpfgen.LoadFixups() // want `bpf_ktime_get_boot_ns requires Linux 5.8` `bpf_loop requires Linux 5.17` `callbacks requires Linux 5.13`
}

func SpecChecked() (*ebpf.CollectionSpec, error) {
	spec, err := bpfgen.LoadFixups() // want `bpf_ktime_get_boot_ns requires Linux 5.8` `bpf_loop requires Linux 5.17` `callbacks requires Linux 5.13`
	if err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	return spec, nil
}
