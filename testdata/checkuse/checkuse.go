// Package checkuse guards with another package's checks and version tests.
package checkuse

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"

	"bpfcompat.test/checklib"
)

func inferred(m *ebpf.Map) {
	if checklib.SupportRingBuf() {
		ringbuf.NewReader(m)
	}
	if !checklib.SupportRingBuf() {
		return
	}
	ringbuf.NewReader(m)
}

func notACheck(m *ebpf.Map) {
	if checklib.NotACheck(true) {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

func errorCheck() *ebpf.ProgramSpec {
	if checklib.HaveLSM() != nil {
		return nil
	}
	return &ebpf.ProgramSpec{Type: ebpf.LSM}
}

// Fixed and parametric version checks, used directly, negated and stored.
func versions(m *ebpf.Map, prog *ebpf.Program) {
	if checklib.HaveV511() {
		_ = ebpf.MapSpec{Type: ebpf.TaskStorage} // 5.11
		_ = ebpf.MapSpec{Type: ebpf.BloomFilter} // want `BPF_MAP_TYPE_BLOOM_FILTER requires Linux 5.16, but the target is 5.11`
	}
	if checklib.MinKernelVersion("5.8") {
		ringbuf.NewReader(m)
	}
	if !checklib.MinKernelVersion("5.8") {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	newEnough := checklib.MinKernelVersion("6.6")
	if newEnough {
		link.AttachTCX(link.TCXOptions{Program: prog, Attach: ebpf.AttachTCXIngress})
	}
	if checklib.IsKernelOlderThan("5.8") {
		return
	}
	ringbuf.NewReader(m)
}

func olderNegated(m *ebpf.Map) {
	if !checklib.IsKernelOlderThan("5.8.0") {
		ringbuf.NewReader(m)
	}
	old := checklib.IsKernelOlderThan("5.8")
	if old {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

func method(m *ebpf.Map, kv checklib.KernelVersion) {
	if kv.GreaterOrEqual(checklib.NewVersion(5, 8, 0)) {
		ringbuf.NewReader(m)
	}
	ok := kv.GreaterOrEqual(checklib.NewVersion(5, 8, 0))
	if !ok {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// features.LinuxVersionCode compared with KERNEL_VERSION(a, b, c).
func versionCode(m *ebpf.Map) {
	code, err := features.LinuxVersionCode()
	if err != nil {
		return
	}
	if code >= 0x050800 {
		ringbuf.NewReader(m)
	}
	if code < 5<<16|8<<8 {
		return
	}
	ringbuf.NewReader(m)
}

func tried(prog *ebpf.Program) {
	if checklib.TryKprobeMulti(prog) {
		link.KprobeMulti(prog, link.KprobeMultiOptions{})
	}
	link.KprobeMulti(prog, link.KprobeMultiOptions{}) // want `BPF_LINK_TYPE_KPROBE_MULTI requires Linux 5.18`
}
