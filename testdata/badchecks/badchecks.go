// Package badchecks calls a function its .bpfcompat.yaml declares a
// check with terms that do not fit it: Unlisted has no argument 0.
package badchecks

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"

	"bpfcompat.test/kernelver"
)

func use(m *ebpf.Map) {
	if kernelver.Unlisted() {
		ringbuf.NewReader(m)
	}
}
