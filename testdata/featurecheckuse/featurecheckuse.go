// Package featurecheckuse guards netkit with featurechecklib's probes,
// whose yes is an error only a kernel with netkit returns, beside the
// probes that prove nothing.
package featurecheckuse

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"bpfcompat.test/featurechecklib"
)

func attach(prog *ebpf.Program, ifindex int) {
	if featurechecklib.HaveNetkit() == nil {
		link.AttachNetkit(link.NetkitOptions{Program: prog, Interface: ifindex})
	}
	if ok, err := featurechecklib.HaveNetkitAnswer(); err == nil && ok {
		link.AttachNetkit(link.NetkitOptions{Program: prog, Interface: ifindex})
	}
	// Not memoized, a function whose nil is only its probe's answer, or
	// whose bool is the test of the error, passes its attach on neither.
	if featurechecklib.ProbeNetkit() == nil {
		link.AttachNetkit(link.NetkitOptions{Program: prog, Interface: ifindex})
	}
	if ok, err := featurechecklib.NetkitAnswer(); err == nil && ok {
		link.AttachNetkit(link.NetkitOptions{Program: prog, Interface: ifindex})
	}
	if featurechecklib.NetkitAttachable() {
		link.AttachNetkit(link.NetkitOptions{Program: prog, Interface: ifindex})
	}
	if featurechecklib.HasNetkit() {
		link.AttachNetkit(link.NetkitOptions{Program: prog, Interface: ifindex})
	}
}

func unguarded(prog *ebpf.Program, ifindex int) {
	if featurechecklib.HaveNetkitSwallowed() == nil {
		link.AttachNetkit(link.NetkitOptions{Program: prog, Interface: ifindex}) // want `BPF_LINK_TYPE_NETKIT requires Linux 6.7`
	}
	if featurechecklib.HaveNetkitEPERM() == nil {
		link.AttachNetkit(link.NetkitOptions{Program: prog, Interface: ifindex}) // want `BPF_LINK_TYPE_NETKIT requires Linux 6.7`
	}
	if ok, err := featurechecklib.HaveNetkitForced(); err == nil && ok {
		link.AttachNetkit(link.NetkitOptions{Program: prog, Interface: ifindex}) // want `BPF_LINK_TYPE_NETKIT requires Linux 6.7`
	}
	// A worker's nil after its attach checks netkit, but the call is a
	// use of its own.
	if featurechecklib.AttachNetkitPrimary() == nil { // want `BPF_LINK_TYPE_NETKIT requires Linux 6.7`
		link.AttachNetkit(link.NetkitOptions{Program: prog, Interface: ifindex})
	}
	if featurechecklib.ProbeNetkitOtherCall() == nil {
		link.AttachNetkit(link.NetkitOptions{Program: prog, Interface: ifindex}) // want `BPF_LINK_TYPE_NETKIT requires Linux 6.7`
	}
	if !featurechecklib.NetkitAttachable() {
		link.AttachNetkit(link.NetkitOptions{Program: prog, Interface: ifindex}) // want `BPF_LINK_TYPE_NETKIT requires Linux 6.7`
	}
}
