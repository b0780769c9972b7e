// Package pinlib looks up pinned links, as a project's own BPF package does. // want package:"exports bpf\\(2\\) wrappers or requirements"
// No link can be pinned on a kernel without links: there, the lookup
// fails with os.ErrNotExist.
package pinlib

import (
	"errors"
	"fmt"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
)

// UpdateLink returns os.ErrNotExist, wrapped, when nothing is pinned at
// pin: its callers may take that as "no link yet".
func UpdateLink(pin string, prog *ebpf.Program) error { // want UpdateLink:"requires bpf_links \\(via link.LoadPinnedLink\\)" UpdateLink:"checks bpf_links when true or nil"
	// Handed on: the callers decide (pinuse), and the body is not reported.
	l, err := link.LoadPinnedLink(pin, &ebpf.LoadPinOptions{})
	if err != nil {
		return fmt.Errorf("opening pinned link %s: %w", pin, err)
	}
	defer l.Close()
	if err := l.Update(prog); err != nil {
		return fmt.Errorf("updating link %s: %w", pin, err)
	}
	return nil
}

// Describe hands the lookup's error on as text: errors.Is no longer sees
// os.ErrNotExist in it.
func Describe(pin string) error { // want Describe:"requires bpf_links \\(via link.LoadPinnedLink\\)" Describe:"checks bpf_links when true or nil"
	l, err := link.LoadPinnedLink(pin, nil)
	if err != nil {
		return fmt.Errorf("opening pinned link %s: %v", pin, err)
	}
	return l.Close()
}

func detachLegacy(pin string) error { return os.Remove(pin) }

// Unpin takes "no such pin" as "attached the older way".
func Unpin(pin string) error {
	l, err := link.LoadPinnedLink(pin, nil)
	if errors.Is(err, os.ErrNotExist) {
		return detachLegacy(pin)
	}
	if err != nil {
		return err
	}
	return l.Unpin()
}

// UnpinOther's twin tests for another error, which says nothing of links.
func UnpinOther(pin string) error { // want UnpinOther:"requires bpf_links \\(via link.LoadPinnedLink\\)"
	// Not every path hands the failure on: decided, and reported, here.
	l, err := link.LoadPinnedLink(pin, nil) // want `bpf_links requires Linux 5.7`
	if errors.Is(err, os.ErrPermission) {
		return detachLegacy(pin)
	}
	if err != nil {
		return err
	}
	return l.Unpin()
}
