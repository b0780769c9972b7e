// Package featureerr takes paths that only an error of a newer kernel
// leads to: link.AttachTCX returns ErrNotSupported on a kernel without
// tcx, so its EEXIST comes from one with it; link.AttachNetkit's ENODEV,
// for an interface no device has, comes only from a kernel with netkit.
package featureerr

import (
	"errors"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

func legacy(p *ebpf.Program, ifindex int) (link.Link, error) { return nil, nil }

// replace attaches, or replaces the program already attached: only a
// kernel with tcx (6.6) says EEXIST, so replacing by id (6.6) is fine.
func replace(p *ebpf.Program, ifindex int, old ebpf.ProgramID) (link.Link, error) {
	opts := link.TCXOptions{Program: p, Interface: ifindex}
	l, err := link.AttachTCX(opts)
	if errors.Is(err, ebpf.ErrNotSupported) {
		return legacy(p, ifindex)
	}
	if errors.Is(err, unix.EEXIST) {
		opts.Anchor = link.ReplaceProgramByID(old)
		return link.AttachTCX(opts)
	}
	return l, err
}

func compared(p *ebpf.Program, ifindex int, old ebpf.ProgramID) (link.Link, error) {
	opts := link.TCXOptions{Program: p, Interface: ifindex}
	l, err := link.AttachTCX(opts)
	if errors.Is(err, ebpf.ErrNotSupported) {
		return legacy(p, ifindex)
	}
	if err != nil && !errors.Is(err, unix.EEXIST) {
		return nil, err
	}
	if err != nil {
		opts.Anchor = link.ReplaceProgramByID(old)
		return link.AttachTCX(opts)
	}
	return l, err
}

// Twins: an error any kernel returns, and EEXIST from a call that says
// nothing of tcx, prove nothing.

func otherErrno(p *ebpf.Program, ifindex int, old ebpf.ProgramID) (link.Link, error) {
	opts := link.TCXOptions{Program: p, Interface: ifindex}
	l, err := link.AttachTCX(opts)
	if errors.Is(err, ebpf.ErrNotSupported) {
		return legacy(p, ifindex)
	}
	if errors.Is(err, unix.EPERM) {
		opts.Anchor = link.ReplaceProgramByID(old) // want `BPF_F_ID requires Linux 6.6`
		return link.AttachTCX(opts)                // want `BPF_LINK_TYPE_TCX requires Linux 6.6`
	}
	return l, err
}

func otherCall(spec *ebpf.MapSpec, p *ebpf.Program) (link.Link, error) {
	_, err := ebpf.NewMap(spec)
	if errors.Is(err, unix.EEXIST) {
		return link.AttachTCX(link.TCXOptions{Program: p}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6`
	}
	return nil, err
}

// peer attaches to the peer once the primary's attach said the interface
// is not there: a kernel without netkit (6.7) rejects the attach type
// first, so ENODEV tells of netkit.
func peer(p *ebpf.Program, ifindex, peerIfindex int) (link.Link, error) {
	l, err := link.AttachNetkit(link.NetkitOptions{Program: p, Interface: ifindex})
	if errors.Is(err, ebpf.ErrNotSupported) {
		return legacy(p, ifindex)
	}
	if errors.Is(err, unix.ENODEV) {
		return link.AttachNetkit(link.NetkitOptions{Program: p, Interface: peerIfindex, Attach: ebpf.AttachNetkitPeer})
	}
	return l, err
}

// Twin: EPERM says nothing of netkit.

func peerOtherErrno(p *ebpf.Program, ifindex, peerIfindex int) (link.Link, error) {
	l, err := link.AttachNetkit(link.NetkitOptions{Program: p, Interface: ifindex})
	if errors.Is(err, ebpf.ErrNotSupported) {
		return legacy(p, ifindex)
	}
	if errors.Is(err, unix.EPERM) {
		return link.AttachNetkit(link.NetkitOptions{Program: p, Interface: peerIfindex, Attach: ebpf.AttachNetkitPeer}) // want `BPF_LINK_TYPE_NETKIT requires Linux 6.7` `BPF_NETKIT_PEER requires Linux 6.7`
	}
	return l, err
}
