// Package calleefallback hands feature constants to its own functions, // want package:"exports bpf\\(2\\) wrappers or requirements"
// which try them and fall back where the kernel lacks them: the constant
// at the call is covered as it would be written inline in the callee.
package calleefallback

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// hasLinks queries with the attach type and takes EINVAL, what a kernel
// without it answers, as "none"; the attach type is also named in an
// error message.
func hasLinks(ifindex int, attach ebpf.AttachType) (bool, error) { // want hasLinks:"checks BPF_PROG_QUERY when true or nil"
	result, err := link.QueryPrograms(link.QueryOptions{Target: ifindex, Attach: attach})
	if errors.Is(err, unix.EINVAL) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("querying %s programs: %w", attach, err)
	}
	return len(result.Programs) > 0, nil
}

// hasAnyLinks passes its parameter on to one that is tried.
func hasAnyLinks(ifindex int, attach ebpf.AttachType) (bool, error) {
	if attach == ebpf.AttachNone {
		return false, nil
	}
	return hasLinks(ifindex, attach)
}

// isTCX only compares its parameter.
func isTCX(attach ebpf.AttachType) bool {
	return attach == ebpf.AttachTCXIngress || attach == ebpf.AttachTCXEgress
}

func Loaded(ifindex int) (bool, error) { // want Loaded:"checks BPF_PROG_QUERY when true or nil"
	in, err := hasLinks(ifindex, ebpf.AttachTCXIngress)
	if err != nil {
		return false, err
	}
	out, err := hasAnyLinks(ifindex, ebpf.AttachTCXEgress)
	if err != nil {
		return false, err
	}
	return in && out && isTCX(ebpf.AttachNetkitPeer), nil
}

// Twins: a callee that hands the query's error on, one that attaches
// with the parameter, and one that keeps it, try nothing.

func queryHandsOn(ifindex int, attach ebpf.AttachType) (bool, error) { // want queryHandsOn:"checks BPF_PROG_QUERY when true or nil"
	result, err := link.QueryPrograms(link.QueryOptions{Target: ifindex, Attach: attach})
	if err != nil {
		return false, fmt.Errorf("querying %s programs: %w", attach, err)
	}
	return len(result.Programs) > 0, nil
}

func attach(p *ebpf.Program, ifindex int, attach ebpf.AttachType) (link.Link, error) {
	l, err := link.QueryPrograms(link.QueryOptions{Target: ifindex, Attach: attach})
	if errors.Is(err, unix.EINVAL) {
		return nil, nil
	}
	_ = l
	return link.AttachTCX(link.TCXOptions{Program: p, Attach: attach, Interface: ifindex}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6`
}

var kept ebpf.AttachType

func keep(attach ebpf.AttachType) { kept = attach }

func Unguarded(p *ebpf.Program, ifindex int) error { // want Unguarded:"requires BPF_NETKIT_PRIMARY, BPF_TCX_EGRESS, BPF_TCX_INGRESS"
	// Each failure gives up here: no caller can decide, so the body reports.
	if _, err := queryHandsOn(ifindex, ebpf.AttachTCXIngress); err != nil { // want `BPF_TCX_INGRESS requires Linux 6.6`
		panic(err)
	}
	keep(ebpf.AttachNetkitPrimary)                                      // want `BPF_NETKIT_PRIMARY requires Linux 6.7`
	if _, err := attach(p, ifindex, ebpf.AttachTCXEgress); err != nil { // want `BPF_TCX_EGRESS requires Linux 6.6`
		panic(err)
	}
	return nil
}
