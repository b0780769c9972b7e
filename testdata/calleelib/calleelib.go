// Package calleelib queries with the attach type its callers pass. // want package:"exports bpf\\(2\\) wrappers or requirements"
package calleelib

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// HasLinks takes EINVAL, what a kernel without the attach type answers,
// as "none".
func HasLinks(ifindex int, attach ebpf.AttachType) (bool, error) { // want HasLinks:"falls back where argument 1 fails" HasLinks:"checks BPF_PROG_QUERY when true or nil"
	result, err := link.QueryPrograms(link.QueryOptions{Target: ifindex, Attach: attach})
	if errors.Is(err, unix.EINVAL) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("querying %s programs: %w", attach, err)
	}
	return len(result.Programs) > 0, nil
}

// Query hands every error on.
func Query(ifindex int, attach ebpf.AttachType) (bool, error) { // want Query:"requires BPF_PROG_QUERY, .*" Query:"checks BPF_PROG_QUERY when true or nil"
	result, err := link.QueryPrograms(link.QueryOptions{Target: ifindex, Attach: attach})
	if err != nil {
		return false, err
	}
	return len(result.Programs) > 0, nil
}
