// Package kernelveruse guards with checks in another package that
// .bpfcompat.yaml, not a directive, declares.
package kernelveruse

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"

	"bpfcompat.test/kernelver"
)

func byVersion(p *ebpf.Program) {
	if kernelver.MinKernelVersion("6.6") {
		link.AttachTCX(link.TCXOptions{Program: p})
	}
	if kernelver.MinKernelVersion("5.8") {
		link.AttachTCX(link.TCXOptions{Program: p}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6, but the target is 5.8`
	}
	if kernelver.Older("6.6") {
		return
	}
	link.AttachTCX(link.TCXOptions{Program: p})
}

func byFeature(m *ebpf.Map) {
	if err := kernelver.HaveRing(); err != nil {
		return
	}
	ringbuf.NewReader(m)
}

func unguarded(m *ebpf.Map) {
	if kernelver.Unlisted() {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4`
	}
}
