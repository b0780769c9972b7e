// Package ignore suppresses diagnostics with reasons, and probes for what
// the target already has.
package ignore

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
)

var ring = &ebpf.MapSpec{
	Type: ebpf.RingBuf, //bpfcompat:ignore the agent refuses to start below 5.8, see main.go
}

var userRing = &ebpf.MapSpec{
	//bpfcompat:ignore only loaded by the 6.1 object variant
	Type: ebpf.UserRingbuf,
}

var bloom = &ebpf.MapSpec{
	Type: ebpf.BloomFilter, //bpfcompat:ignore // want `//bpfcompat:ignore needs a reason`
}

var hash = &ebpf.MapSpec{
	Type: ebpf.Hash, //bpfcompat:ignore nothing here is new // want `this //bpfcompat:ignore suppresses nothing; remove it`
}

func probes() {
	_ = features.HaveMapType(ebpf.Hash)        // want `features.HaveMapType always succeeds: BPF_MAP_TYPE_HASH is in Linux 3.19 and the target, 5.4, has it`
	_ = features.HaveMapType(ebpf.RingBuf)     // a real question on 5.4
	_ = features.HaveProgramType(ebpf.XDP)     // want `features.HaveProgramType always succeeds: BPF_PROG_TYPE_XDP is in Linux 4.8`
	_ = features.HaveBoundedLoops()            // want `features.HaveBoundedLoops always succeeds: bounded_loops is in Linux 5.3`
	_ = features.HaveProgramType(ebpf.Syscall) // 5.14
}
