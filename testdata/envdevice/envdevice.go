// Package envdevice attaches netkit programs only to netkit devices, which
// only a kernel with netkit has, as cilium's loader does.
package envdevice

import (
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/vishvananda/netlink"
)

func netkitType(primary bool) ebpf.AttachType {
	if primary {
		return ebpf.AttachNetkitPrimary
	}
	return ebpf.AttachNetkitPeer
}

func attachNetkit(device netlink.Link, prog *ebpf.Program, attach ebpf.AttachType) (link.Link, error) {
	return link.AttachNetkit(link.NetkitOptions{
		Program:   prog,
		Attach:    attach,
		Interface: device.Attrs().Index,
		Anchor:    link.Tail(),
	})
}

func upsert(device netlink.Link, prog *ebpf.Program, primary bool) (link.Link, error) {
	return attachNetkit(device, prog, netkitType(primary))
}

func Attach(device netlink.Link, prog *ebpf.Program, primary bool) (link.Link, error) {
	if device.Type() == "netkit" {
		return upsert(device, prog, primary)
	}
	return nil, fmt.Errorf("device %s: attach the classic way", device.Attrs().Name)
}

func AttachSwitch(device netlink.Link, prog *ebpf.Program) (link.Link, error) {
	switch device.Type() {
	case "netkit":
		return link.AttachNetkit(link.NetkitOptions{Program: prog, Attach: ebpf.AttachNetkitPeer, Interface: device.Attrs().Index})
	}
	return nil, nil
}

// Twins: another kind of device, and a test of something else, say
// nothing of netkit.

func AttachVeth(device netlink.Link, prog *ebpf.Program) (link.Link, error) {
	if device.Type() == "veth" {
		return link.AttachNetkit(link.NetkitOptions{Program: prog, Attach: ebpf.AttachNetkitPeer, Interface: device.Attrs().Index}) // want `BPF_LINK_TYPE_NETKIT requires Linux 6.7` `BPF_NETKIT_PEER requires Linux 6.7`
	}
	return nil, nil
}

func AttachNamed(device netlink.Link, prog *ebpf.Program) (link.Link, error) {
	if device.Attrs().Name == "netkit" {
		return link.AttachNetkit(link.NetkitOptions{Program: prog, Attach: ebpf.AttachNetkitPeer, Interface: device.Attrs().Index}) // want `BPF_LINK_TYPE_NETKIT requires Linux 6.7` `BPF_NETKIT_PEER requires Linux 6.7`
	}
	return nil, nil
}
