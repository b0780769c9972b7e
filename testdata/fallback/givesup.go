package fallback

import (
	"errors"
	"fmt"
	"log"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
)

// A failed call leaves its link nil: testing the link tests the failure.
// Each attach mode in turn, then give up when none attached (gVisor's XDP
// loader): on a kernel without XDP links every mode fails.
func attachEachMode(prog *ebpf.Program, ifindex int) (link.Link, error) {
	var attached link.Link
	var err error
	for _, flags := range []link.XDPAttachFlags{link.XDPDriverMode, link.XDPGenericMode} {
		attached, err = link.AttachXDP(link.XDPOptions{Program: prog, Interface: ifindex, Flags: flags}) // want `BPF_LINK_TYPE_XDP requires Linux 5.9`
		if err == nil {
			break
		}
		log.Printf("xdp mode %v: %v", flags, err)
	}
	if attached == nil {
		return nil, errors.New("no attach mode worked")
	}
	return attached, nil
}

// The same loop, giving up with log.Fatal.
func attachEachModeOrExit(prog *ebpf.Program, ifindex int) link.Link {
	var attached link.Link
	for _, flags := range []link.XDPAttachFlags{link.XDPDriverMode, link.XDPGenericMode} {
		var err error
		attached, err = link.AttachXDP(link.XDPOptions{Program: prog, Interface: ifindex, Flags: flags}) // want `BPF_LINK_TYPE_XDP requires Linux 5.9`
		if err == nil {
			break
		}
	}
	if attached == nil {
		log.Fatal("no attach mode worked")
	}
	return attached
}

// Twin: when no mode attached, attach with netlink instead.
func attachEachModeOrNetlink(prog *ebpf.Program, ifindex int) (link.Link, error) {
	var attached link.Link
	var err error
	for _, flags := range []link.XDPAttachFlags{link.XDPDriverMode, link.XDPGenericMode} {
		attached, err = link.AttachXDP(link.XDPOptions{Program: prog, Interface: ifindex, Flags: flags})
		if err == nil {
			break
		}
	}
	if attached == nil {
		if err := attachNetlink(prog, ifindex); err != nil {
			return nil, fmt.Errorf("netlink xdp: %w", err)
		}
	}
	return attached, nil
}

// Twin: a non-nil link attached: the other way is taken on the else branch.
func attachOrNetlinkNotNil(prog *ebpf.Program, ifindex int) (link.Link, error) {
	l, err := link.AttachXDP(link.XDPOptions{Program: prog, Interface: ifindex})
	if l != nil {
		return l, nil
	}
	log.Printf("xdp link: %v", err)
	return nil, attachNetlink(prog, ifindex)
}

// The straight-line call whose nil link gives up.
func attachOrGiveUp(prog *ebpf.Program, ifindex int) (link.Link, error) {
	l, err := link.AttachXDP(link.XDPOptions{Program: prog, Interface: ifindex}) // want `BPF_LINK_TYPE_XDP requires Linux 5.9`
	if l == nil {
		return nil, errors.New("xdp link failed")
	}
	return l, err
}

// Twin: the straight-line call whose nil link falls back to netlink.
func attachOrNetlinkNil(prog *ebpf.Program, ifindex int) (link.Link, error) {
	l, err := link.AttachXDP(link.XDPOptions{Program: prog, Interface: ifindex})
	if l == nil {
		log.Printf("xdp link: %v", err)
		return nil, attachNetlink(prog, ifindex)
	}
	return l, nil
}

// Twin: where the attach fails the link is the old one again, so its nil
// says nothing of the failure; keeping the old link is the other way.
func attachKeepOld(prog *ebpf.Program, ifindex int, old link.Link) (link.Link, error) {
	l, err := link.AttachXDP(link.XDPOptions{Program: prog, Interface: ifindex})
	if err != nil {
		log.Printf("xdp link: %v", err)
		l = old
	}
	if l == nil {
		return nil, errors.New("no link")
	}
	return l, nil
}
