// Package veruse guards with the version helpers of verlib, which no
// directive marks: each guarded use has an unguarded twin.
package veruse

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"

	"bpfcompat.test/verlib"
)

func fixed(m *ebpf.Map, p *ebpf.Program) {
	if verlib.HasRingBuf() {
		ringbuf.NewReader(m)
	}
	if verlib.HasTCX() {
		link.AttachTCX(link.TCXOptions{Program: p})
	}
	if verlib.HasKprobeMulti() {
		link.KprobeMulti(p, link.KprobeMultiOptions{})
	}
	if verlib.BannerRingBuf() {
		ringbuf.NewReader(m)
	}
	if verlib.HasIter() && verlib.HasIterIfElse() {
		ringbuf.NewReader(m)
	}
	if verlib.OlderThan58() {
		return
	}
	ringbuf.NewReader(m)
}

func fixedTwins(m *ebpf.Map, p *ebpf.Program) {
	if !verlib.HasRingBuf() {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if verlib.HasRingBuf() {
		link.AttachTCX(link.TCXOptions{Program: p}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6, but the target is 5.8`
	}
	if verlib.OlderThan58() {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if !verlib.BannerRingBuf() {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if verlib.HasIter() || verlib.HasIterIfElse() {
		link.AttachTCX(link.TCXOptions{Program: p}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6, but the target is 5.8`
	}
}

func parametric(m *ebpf.Map, p *ebpf.Program) {
	if verlib.AtLeast(verlib.KernelVersion(5, 8, 0)) {
		ringbuf.NewReader(m)
	}
	if verlib.Supports("6.6") {
		link.AttachTCX(link.TCXOptions{Program: p})
	}
	if verlib.Newer(verlib.Version{Major: 5, Minor: 18}) {
		link.KprobeMulti(p, link.KprobeMultiOptions{})
	}
	if verlib.BannerAtLeast(0x050800) {
		ringbuf.NewReader(m)
	}
	if verlib.AtLeastVersion(verlib.Version{Major: 6, Minor: 6}) {
		link.AttachTCX(link.TCXOptions{Program: p})
	}
	if verlib.IsKernelOlderThan(0x050800) {
		return
	}
	ringbuf.NewReader(m)
}

func parametricTwins(m *ebpf.Map, p *ebpf.Program) {
	if verlib.AtLeast(verlib.KernelVersion(5, 4, 0)) {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if verlib.Supports("5.8") {
		link.AttachTCX(link.TCXOptions{Program: p}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6, but the target is 5.8`
	}
	if verlib.Newer(verlib.Version{Major: 5, Minor: 8}) {
		link.KprobeMulti(p, link.KprobeMultiOptions{}) // want `BPF_LINK_TYPE_KPROBE_MULTI requires Linux 5.18, but the target is 5.8`
	}
	if verlib.BannerAtLeast(0x050400) {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if verlib.AtLeastVersion(verlib.Version{Major: 6, Minor: 1}) {
		link.AttachTCX(link.TCXOptions{Program: p}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6, but the target is 6.1`
	}
	if !verlib.IsKernelOlderThan(0x050800) {
		return
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// numbers are helpers given a version's numbers as arguments of their
// own: the constants at the call are the version it proves.
func numbers(m *ebpf.Map, p *ebpf.Program) {
	if verlib.AtLeastNumbers(5, 8) {
		ringbuf.NewReader(m)
	}
	if verlib.AtLeastPatch(6, 6, 0) {
		link.AttachTCX(link.TCXOptions{Program: p})
	}
	if verlib.KernelAtLeast(5, 18) {
		link.KprobeMulti(p, link.KprobeMultiOptions{})
	}
	if verlib.NewerThan(8, 5) {
		ringbuf.NewReader(m)
	}
	if verlib.OlderThanNumbers(5, 8) {
		return
	}
	ringbuf.NewReader(m)
}

func numbersTwins(m *ebpf.Map, p *ebpf.Program, minor int) {
	if verlib.AtLeastNumbers(5, 4) {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if verlib.AtLeastNumbers(5, minor) {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if verlib.AtLeastPatch(6, 1, 0) {
		link.AttachTCX(link.TCXOptions{Program: p}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6, but the target is 6.1`
	}
	if verlib.KernelAtLeast(5, 8) {
		link.KprobeMulti(p, link.KprobeMultiOptions{}) // want `BPF_LINK_TYPE_KPROBE_MULTI requires Linux 5.18, but the target is 5.8`
	}
	if verlib.NewerThan(4, 5) {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if verlib.MajorBetween(5, 8) {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if verlib.GoAtLeast(5, 8) {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if !verlib.OlderThanNumbers(5, 8) {
		return
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// notVersions are helpers that compare something other than the
// kernel's version: they guard nothing.
func notVersions(m *ebpf.Map) {
	if verlib.GoVersionAtLeast(22) {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if verlib.ConfigNewer() {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if verlib.StringOrder() {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if verlib.MinorOnly() {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if verlib.MaybeThreshold(true) {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4`
	}
}

// compared reads the kernel's version through verlib's functions and
// compares it here.
func compared(m *ebpf.Map, p *ebpf.Program) {
	v, err := verlib.Current()
	if err == nil && (v.Major > 5 || v.Major == 5 && v.Minor >= 8) {
		ringbuf.NewReader(m)
	}
	if err == nil && v.Major >= 5 {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4`
	}
	if verlib.Code() >= verlib.KernelVersion(6, 6, 0) {
		link.AttachTCX(link.TCXOptions{Program: p})
	}
	if verlib.Code() >= verlib.KernelVersion(5, 8, 0) {
		link.AttachTCX(link.TCXOptions{Program: p}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6, but the target is 5.8`
	}
}
