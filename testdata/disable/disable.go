// Package disable switches obsolete_guard off in .bpfcompat.yaml; the
// other categories are still reported.
package disable

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
)

func probes() {
	_ = features.HaveMapType(ebpf.RingBuf) // always succeeds on 6.6: not reported
}

var arena = &ebpf.MapSpec{
	Type: ebpf.Arena, // want `BPF_MAP_TYPE_ARENA requires Linux 6.9, but the target is 6.6`
}
