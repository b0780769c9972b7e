// Package optuse calls optlib: the options it sets are checked here. // want package:"exports bpf\\(2\\) wrappers or requirements"
package optuse

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	"github.com/cilium/ebpf/link"

	"bpfcompat.test/optlib"
)

func zero(insns [][]uint64) error { // want zero:"checks BPF_MAP_TYPE_BLOOM_FILTER when true or nil"
	_, err := optlib.NewBloom(&optlib.Options{}) // want `BPF_MAP_TYPE_BLOOM_FILTER requires Linux 5.16, but the target is 5.4 \(via optlib.NewBloom\)`
	if err != nil {
		return err
	}
	return optlib.LoadAll(insns, &optlib.Options{})
}

func module(insns [][]uint64, btf uint32) error {
	return optlib.LoadAll(insns, &optlib.Options{
		Load: optlib.LoadOptions{AttachBTFObjFD: btf}, // want `BPF_PROG_LOAD.attach_btf_obj_fd requires Linux 5.11, but the target is 5.4 \(via optlib.LoadAll argument field Load.AttachBTFObjFD → optlib.Load`
	})
}

func bloom() error {
	opts := &optlib.Options{Hashes: 3} // want `BPF_MAP_CREATE.map_extra requires Linux 5.16`
	_, err := optlib.NewBloom(opts)    // want `BPF_MAP_TYPE_BLOOM_FILTER requires Linux 5.16`
	return err
}

// Forward passes its own caller's options on: a requirement again.
func Forward(o *optlib.Options) { // want Forward:"requires BPF_MAP_TYPE_BLOOM_FILTER" Forward:"when non-zero, argument 0 field Hashes needs BPF_MAP_CREATE.map_extra"
	optlib.NewBloom(o) // want `BPF_MAP_TYPE_BLOOM_FILTER requires Linux 5.16`
}

// freplace runs where links exist; a mapped function's options are
// checked too, here the BTF target that needs 5.10.
//
//bpfcompat:requires 5.7
func freplace(prog *ebpf.Program, id btf.TypeID) (*link.RawLink, error) { // want freplace:"requires Linux 5.7"
	return link.AttachRawLink(link.RawLinkOptions{
		Program: prog,
		BTF:     id, // want `BPF_LINK_CREATE.target_btf_id requires Linux 5.10, but the target is 5.7 \(via link.AttachRawLink argument field BTF → field TargetBtfId of the BPF_LINK_CREATE attr\)`
	})
}

// testRun sets a RunOptions field that selects a 5.18 attr field; the
// ones it leaves zero select nothing.
func testRun(prog *ebpf.Program) {
	prog.Run(&ebpf.RunOptions{
		Data:      make([]byte, 64),
		Repeat:    1,
		BatchSize: 64, // want `BPF_PROG_TEST_RUN.batch_size requires Linux 5.18, but the target is 5.4 \(via \(\*ebpf.Program\).Run argument field BatchSize → \(\*ebpf.Program\).run`
	})
}

// testRunVar builds the options first and passes their address: the
// value passed is still the literal's.
func testRunVar(prog *ebpf.Program) {
	opts := ebpf.RunOptions{
		Data:  make([]byte, 64),
		Flags: 1, // want `BPF_PROG_TEST_RUN.flags requires Linux 5.10`
	}
	prog.Run(&opts)
}

// testRunSet fills a field after the literal: the assignment is what
// the call may see.
func testRunSet(prog *ebpf.Program, cpu uint32) {
	opts := &ebpf.RunOptions{Data: make([]byte, 64)}
	opts.CPU = cpu // want `BPF_PROG_TEST_RUN.cpu requires Linux 5.10`
	opts.BatchSize = 0
	prog.Run(opts)
}

var _, _, _, _, _, _, _ = zero, module, bloom, freplace, testRun, testRunVar, testRunSet

// A probe that tries with options set in a variable, then falls back:
// the call is where the option is used, and it is tried (pwru's
// HaveBPFLinkKprobeMulti).
func haveKprobeMulti(prog *ebpf.Program) bool { // want haveKprobeMulti:"checks BPF_LINK_TYPE_KPROBE_MULTI when true or nil"
	opts := link.KprobeMultiOptions{Symbols: []string{"vprintk"}}
	l, err := link.KretprobeMulti(prog, opts)
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// Untried, the call is reported once, for the link type.
func kprobeMultiUntried(prog *ebpf.Program) (link.Link, error) {
	opts := link.KprobeMultiOptions{Symbols: []string{"vprintk"}}
	return link.KretprobeMulti(prog, opts) // want `BPF_LINK_TYPE_KPROBE_MULTI requires Linux 5.18`
}
