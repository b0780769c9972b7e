// Package pinuse calls pinlib's lookups and takes os.ErrNotExist, what a // want package:"exports bpf\\(2\\) wrappers or requirements"
// kernel without links always answers, as "nothing pinned yet".
package pinuse

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/cilium/ebpf"

	"bpfcompat.test/pinlib"
)

func attachLegacy(prog *ebpf.Program) error { return nil }

func Attach(pin string, prog *ebpf.Program) error {
	err := pinlib.UpdateLink(pin, prog)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, os.ErrNotExist):
		// No link yet: attach the older way.
	default:
		return fmt.Errorf("updating %s: %w", pin, err)
	}
	return attachLegacy(prog)
}

func AttachFS(pin string, prog *ebpf.Program) error {
	if err := pinlib.UpdateLink(pin, prog); !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return attachLegacy(prog)
}

// Twins: the error as text, and a caller that gives up.

func AttachDescribed(pin string, prog *ebpf.Program) error { // want AttachDescribed:"requires bpf_links \\(via pinlib.Describe\\)"
	err := pinlib.Describe(pin) // want `bpf_links requires Linux 5.7`
	if errors.Is(err, os.ErrNotExist) {
		return attachLegacy(prog)
	}
	return err
}

func AttachOrFail(pin string, prog *ebpf.Program) error { // want AttachOrFail:"requires bpf_links \\(via pinlib.UpdateLink\\)" AttachOrFail:"checks bpf_links when true or nil"
	if err := pinlib.UpdateLink(pin, prog); err != nil { // want `bpf_links requires Linux 5.7`
		panic(err) // gives up: decided here
	}
	return nil
}
