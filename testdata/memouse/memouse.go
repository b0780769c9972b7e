// Package memouse guards with memolib's memoized probes, and keeps probe
// results in fields of its own.
package memouse

import (
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"

	"bpfcompat.test/memolib"
)

func onceStruct(prog *ebpf.Program) {
	if memolib.HasKprobeMulti() {
		link.KprobeMulti(prog, link.KprobeMultiOptions{Symbols: []string{"vprintk"}})
	}
	if memolib.HasRingBufOr(false) {
		link.KprobeMulti(prog, link.KprobeMultiOptions{Symbols: []string{"vprintk"}}) // want `BPF_LINK_TYPE_KPROBE_MULTI requires Linux 5.18`
	}
}

func onceValue(m *ebpf.Map) *ebpf.ProgramSpec {
	if ok, err := memolib.HaveRingBuf(); err == nil && ok {
		ringbuf.NewReader(m)
	}
	if ok, _ := memolib.HaveRingBuf(); !ok {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if memolib.HaveLSMOr() == nil {
		_ = &ebpf.ProgramSpec{Type: ebpf.LSM} // want `BPF_PROG_TYPE_LSM requires Linux 5.7`
	}
	if memolib.HaveLSM() != nil {
		return nil
	}
	return &ebpf.ProgramSpec{Type: ebpf.LSM}
}

func probeBodies(prog *ebpf.Program) {
	if memolib.HaveTCX() == nil {
		link.AttachTCX(link.TCXOptions{Program: prog})
	}
	if memolib.HaveNetkitOr() == nil {
		link.AttachNetkit(link.NetkitOptions{Program: prog}) // want `BPF_LINK_TYPE_NETKIT requires Linux 6.7`
	}
}

func packageVars() {
	if memolib.StructOps {
		_ = ebpf.MapSpec{Type: ebpf.StructOpsMap}
	}
	if !memolib.StructOps {
		_ = ebpf.MapSpec{Type: ebpf.StructOpsMap} // want `BPF_MAP_TYPE_STRUCT_OPS requires Linux 5.6`
	}
	if memolib.TaskStorageErr == nil {
		_ = ebpf.MapSpec{Type: ebpf.TaskStorage}
	}
	if memolib.Bloom {
		_ = ebpf.MapSpec{Type: ebpf.BloomFilter} // want `BPF_MAP_TYPE_BLOOM_FILTER requires Linux 5.16`
	}
}

// tracer keeps what it found when it was made, for its methods to test.
type tracer struct {
	multi  bool // only ever a probe's answer
	lsm    bool // a probe's answer, or false
	forced bool // a probe's answer, or the command line's
}

func newTracer() *tracer {
	t := &tracer{lsm: memolib.HaveLSM() == nil}
	t.multi = memolib.HasKprobeMulti()
	t.forced = memolib.HasKprobeMulti()
	return t
}

func (t *tracer) reset() {
	t.lsm = false
	if len(os.Args) > 2 {
		t.forced = true
	}
}

func (t *tracer) attach(prog *ebpf.Program) *ebpf.ProgramSpec {
	if t.multi {
		link.KprobeMulti(prog, link.KprobeMultiOptions{Symbols: []string{"vprintk"}})
	}
	if t.forced {
		link.KprobeMulti(prog, link.KprobeMultiOptions{Symbols: []string{"vprintk"}}) // want `BPF_LINK_TYPE_KPROBE_MULTI requires Linux 5.18`
	}
	if !t.lsm {
		return nil
	}
	return &ebpf.ProgramSpec{Type: ebpf.LSM}
}

// reader keeps a ring buffer reader made only where the probe said yes.
type reader struct {
	rb    *ringbuf.Reader // set after the probe, or nil
	other *ringbuf.Reader // set after the probe, or without one
}

func (r *reader) open(m *ebpf.Map) {
	if ok, err := memolib.HaveRingBuf(); err != nil || !ok {
		return
	}
	r.rb, _ = ringbuf.NewReader(m)
	r.other, _ = ringbuf.NewReader(m)
}

func (r *reader) reopen(m *ebpf.Map) {
	r.rb = nil
	r.other, _ = ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

func (r *reader) read(m *ebpf.Map) {
	if r.rb != nil {
		ringbuf.NewReader(m)
	}
	if r.other != nil {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}
