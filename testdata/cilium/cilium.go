// Package cilium selects features through the cilium/ebpf API.
package cilium

import (
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
	"golang.org/x/sys/unix"
)

var events = &ebpf.MapSpec{
	Name:       "events",
	Type:       ebpf.RingBuf, // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4`
	MaxEntries: 1 << 20,
}

var counters = &ebpf.MapSpec{
	Type:       ebpf.Array,
	KeySize:    4,
	ValueSize:  8,
	MaxEntries: 64,
	Flags:      0x400, // want `BPF_F_MMAPABLE requires Linux 5.5, but the target is 5.4 \(via ebpf.MapSpec.Flags\)`
}

var table = &ebpf.MapSpec{
	Type:       ebpf.Hash,
	KeySize:    4,
	ValueSize:  8,
	MaxEntries: 64,
	Flags:      unix.BPF_F_NO_PREALLOC,
}

func userRingbuf() *ebpf.MapSpec {
	spec := &ebpf.MapSpec{MaxEntries: 4096}
	spec.Type = ebpf.MapType(unix.BPF_MAP_TYPE_USER_RINGBUF) // want `BPF_MAP_TYPE_USER_RINGBUF requires Linux 6.1`
	spec.Flags = unix.BPF_F_MMAPABLE                         // want `BPF_F_MMAPABLE requires Linux 5.5`
	return spec
}

var lsm = &ebpf.ProgramSpec{
	Type:       ebpf.LSM,          // want `BPF_PROG_TYPE_LSM requires Linux 5.7`
	AttachType: ebpf.AttachLSMMac, // want `BPF_LSM_MAC requires Linux 5.7`
	AttachTo:   "file_open",
	License:    "GPL",
	Instructions: asm.Instructions{
		asm.LoadImm(asm.R0, 0, asm.DWord),
		asm.Return(),
	},
}

func emit() asm.Instructions {
	return asm.Instructions{
		asm.FnMapLookupElem.Call(),
		asm.FnRingbufOutput.Call(), // want `bpf_ringbuf_output requires Linux 5.8`
		{OpCode: asm.OpCode(asm.JumpClass).SetJumpOp(asm.Call), Constant: int64(asm.FnLoop)}, // want `bpf_loop requires Linux 5.17`
		{OpCode: asm.OpCode(asm.JumpClass).SetJumpOp(asm.Call), Constant: 181},               // want `bpf_loop requires Linux 5.17, but the target is 5.4 \(via a call instruction\)`
		{OpCode: asm.OpCode(asm.JumpClass).SetJumpOp(asm.Call), Src: asm.PseudoCall, Constant: 181},
		{OpCode: asm.OpCode(asm.JumpClass).SetJumpOp(asm.Exit), Constant: 181},
		{OpCode: asm.OpCode(asm.JumpClass).SetJumpOp(asm.Call), Constant: 1},
	}
}

func attach(prog *ebpf.Program, ifindex int) (link.Link, error) {
	l, err := link.AttachTCX(link.TCXOptions{ // want `BPF_LINK_TYPE_TCX requires Linux 6.6, but the target is 5.4 \(via link.AttachTCX\)`
		Interface: ifindex,
		Program:   prog,
		Attach:    ebpf.AttachTCXIngress, // want `BPF_TCX_INGRESS requires Linux 6.6`
	})
	if err != nil {
		return nil, fmt.Errorf("tcx: %w", err)
	}
	return l, nil
}

func kprobe(prog *ebpf.Program) (link.Link, error) {
	return link.Kprobe("do_sys_openat2", prog, nil)
}

// A nil error says the ring buffer opened: the function is a check.
func read(m *ebpf.Map) error { // want read:"checks BPF_MAP_LOOKUP_BATCH, BPF_MAP_TYPE_RINGBUF when true or nil"
	rd, err := ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4 \(via ringbuf.NewReader\)`
	if err != nil {
		return err
	}
	defer rd.Close()
	// Past a ring buffer that opened, the kernel is 5.8 or later, and
	// so has the batch commands of 5.6: commands and attr fields are
	// never configured out.
	keys := make([]uint32, 16)
	values := make([]uint64, 16)
	var cursor ebpf.MapBatchCursor
	_, err = m.BatchLookup(&cursor, keys, values, nil)
	return err
}

func batch(m *ebpf.Map) (int, error) {
	keys := make([]uint32, 16)
	values := make([]uint64, 16)
	var cursor ebpf.MapBatchCursor
	return m.BatchLookup(&cursor, keys, values, nil) // want `BPF_MAP_LOOKUP_BATCH requires Linux 5.6`
}

// Mentions: comparisons, switches, probe arguments, method receivers and
// Windows constants select nothing on Linux.
func mentions(spec *ebpf.MapSpec) string {
	if spec.Type == ebpf.RingBuf {
		return "ring"
	}
	switch spec.Type {
	case ebpf.UserRingbuf, ebpf.Arena:
		return "new"
	}
	if err := features.HaveMapType(ebpf.BloomFilter); err != nil {
		return "no bloom"
	}
	_ = ebpf.WindowsRingBuf
	return ebpf.CgroupStorage.String() + ebpf.RingBuf.String()
}

// Constants of another type with the same value are not map types.
type color uint32

const ringbufColor color = 27

func paint(c color) {}

func notAMapType() { paint(ringbufColor) }

// A literal built to be compared mentions its constants, as cilium/ebpf's
// own prog.go does; one built to be used selects them.
type match struct {
	p ebpf.ProgramType
	a ebpf.AttachType
}

func classify(p ebpf.ProgramType, a ebpf.AttachType) string {
	switch (match{p, a}) {
	case match{ebpf.LSM, ebpf.AttachLSMMac}:
		return "lsm"
	}
	if (match{p, a}) == (match{ebpf.Tracing, ebpf.AttachTraceFEntry}) {
		return "fentry"
	}
	return ""
}

func chosen() match {
	return match{ebpf.Tracing, ebpf.AttachTraceFExit} // want `BPF_PROG_TYPE_TRACING requires Linux 5.5` `BPF_TRACE_FEXIT requires Linux 5.5`
}

// An anchor's constructor says where the program goes, with bpf_mprog's
// flags (6.6), or BPF_F_REPLACE (5.6).
func anchored(cgroup int, prog, old *ebpf.Program) {
	link.RawAttachProgram(link.RawAttachProgramOptions{Target: cgroup, Program: prog, Attach: ebpf.AttachCGroupInetIngress,
		Anchor: link.ReplaceProgram(old)}) // want `BPF_F_REPLACE requires Linux 5.6`
	link.RawAttachProgram(link.RawAttachProgramOptions{Target: cgroup, Program: prog, Attach: ebpf.AttachCGroupInetIngress,
		Anchor: link.Head()}) // want `BPF_F_BEFORE requires Linux 6.6`
}
