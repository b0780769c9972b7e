// Package closureuse calls the closures closurelib makes.
package closureuse

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"

	"bpfcompat.test/closurelib"
)

func read(m *ebpf.Map) {
	open := closurelib.NewReader(m)
	open() // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4 \(via a closure of closurelib.NewReader → ringbuf.NewReader\)`
	if features.HaveMapType(ebpf.RingBuf) == nil {
		open()
		closurelib.NewReader(m)()
	}
	closurelib.NewReader(m)() // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4 \(via a closure of closurelib.NewReader → ringbuf.NewReader\)`
	closurelib.NewPoller(m)() // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4 \(via a closure of closurelib.NewPoller → ringbuf.NewReader\)`
	closurelib.NewGuarded(m)()
}

func attach(prog *ebpf.Program) {
	attach := closurelib.NewAttacher(prog) // want `BPF_LINK_TYPE_TCX requires Linux 6.6, but the target is 5.4 \(via closurelib.NewAttacher\)`
	attach()
}
