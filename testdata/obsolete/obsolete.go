// Package obsolete probes at target 6.6: a probe is obsolete only for a
// feature no kernel configuration or runtime setting can take away.
package obsolete

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"
)

func probes() {
	// Every 6.6 kernel has these: the fallback is dead code.
	_ = features.HaveMapType(ebpf.RingBuf)                            // want `features.HaveMapType always succeeds: BPF_MAP_TYPE_RINGBUF is in Linux 5.8`
	_ = features.HaveProgramHelper(ebpf.Kprobe, asm.FnMapLookupElem) // want `features.HaveProgramHelper always succeeds`

	// A kernel built without CONFIG_FPROBE, CONFIG_BPF_KPROBE_OVERRIDE or
	// CONFIG_BPF_LSM, or booted under lockdown, lacks these: the probe
	// still answers a question.
	_ = features.HaveBPFLinkKprobeMulti()
	_ = features.HaveProgramHelper(ebpf.Kprobe, asm.FnOverrideReturn)
	_ = features.HaveProgramHelper(ebpf.Kprobe, asm.FnProbeWriteUser)
	_ = features.HaveProgramType(ebpf.LSM)
}
