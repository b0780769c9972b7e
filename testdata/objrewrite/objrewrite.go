// Package objrewrite patches the calls of bpf_loop (5.17), and the
// callbacks handed to it (5.13), out of helpers.o's programs where the
// probe for the helper fails: the load then needs only the ring buffer
// (5.8) the programs also use.
package objrewrite

import (
	"errors"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"
)

func load() (*ebpf.CollectionSpec, error) {
	return ebpf.LoadCollectionSpec("../bpf/helpers.o")
}

// withoutLoop patches every call of bpf_loop and every load of a callback.
func withoutLoop(spec *ebpf.CollectionSpec) int {
	patched := 0
	for _, prog := range spec.Programs {
		for i := range prog.Instructions {
			ins := &prog.Instructions[i]
			if ins.IsLoadOfFunctionPointer() {
				prog.Instructions[i] = asm.LoadImm(ins.Dst, 0, asm.DWord)
				patched++
				continue
			}
			if !ins.IsBuiltinCall() {
				continue
			}
			switch asm.BuiltinFunc(ins.Constant) {
			case asm.FnLoop:
				prog.Instructions[i] = asm.Mov.Imm(asm.R0, 0).WithMetadata(ins.Metadata)
				patched++
			}
		}
	}
	return patched
}

// withoutRingbuf patches the other helper, by comparison.
func withoutRingbuf(spec *ebpf.CollectionSpec) {
	for name := range spec.Programs {
		prog := spec.Programs[name]
		for i := range prog.Instructions {
			if ins := &prog.Instructions[i]; ins.IsBuiltinCall() && asm.BuiltinFunc(ins.Constant) == asm.FnRingbufOutput {
				ins.Constant = int64(asm.FnPerfEventOutput)
			}
		}
	}
}

func haveLoop() bool { // want haveLoop:"checks BPF_PROG_TYPE_KPROBE, bpf_loop when true or nil"
	return features.HaveProgramHelper(ebpf.Kprobe, asm.FnLoop) == nil
}

// configure returns early where the probe succeeded, and patches
// otherwise.
func configure(spec *ebpf.CollectionSpec) {
	if haveLoop() {
		return
	}
	withoutLoop(spec)
}

// prepare fails, or configures.
func prepare(spec *ebpf.CollectionSpec, strict bool) error {
	if strict {
		return errors.New("strict")
	}
	configure(spec)
	return nil
}

// prepareLoosely may return without configuring.
func prepareLoosely(spec *ebpf.CollectionSpec, skip bool) error {
	if skip {
		return nil
	}
	configure(spec)
	return nil
}

func loadEarlyReturn() error {
	spec, err := load() // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8` `bpf_ringbuf_output requires Linux 5.8`
	if err != nil {
		return err
	}
	if err := prepare(spec, false); err != nil {
		return err
	}
	_, err = ebpf.NewCollection(spec)
	return err
}

func loadLoosely() error {
	spec, err := load() // want `bpf_loop requires Linux 5.17` `callbacks requires Linux 5.13` `BPF_MAP_TYPE_RINGBUF requires Linux 5.8` `bpf_ringbuf_output requires Linux 5.8`
	if err != nil {
		return err
	}
	if err := prepareLoosely(spec, false); err != nil {
		return err
	}
	_, err = ebpf.NewCollection(spec)
	return err
}

func loadPatchOnFailure() error {
	spec, err := load() // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8` `bpf_ringbuf_output requires Linux 5.8`
	if err != nil {
		return err
	}
	if err := features.HaveProgramHelper(ebpf.Kprobe, asm.FnLoop); err != nil {
		withoutLoop(spec)
	}
	_, err = ebpf.NewCollection(spec)
	return err
}

// The patch runs where another probe failed: bpf_loop is still needed
// where that one succeeds.
func loadPatchOnOtherFailure() error {
	spec, err := load() // want `bpf_loop requires Linux 5.17` `callbacks requires Linux 5.13` `BPF_MAP_TYPE_RINGBUF requires Linux 5.8` `bpf_ringbuf_output requires Linux 5.8`
	if err != nil {
		return err
	}
	if err := features.HaveProgramHelper(ebpf.Kprobe, asm.FnRingbufOutput); err != nil {
		withoutLoop(spec)
	}
	_, err = ebpf.NewCollection(spec)
	return err
}

// Patched always: nothing of the helper is left to need.
func loadPatchedAlways() error {
	spec, err := load() // want `bpf_loop requires Linux 5.17` `callbacks requires Linux 5.13` `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	if err != nil {
		return err
	}
	withoutRingbuf(spec)
	_, err = ebpf.NewCollection(spec)
	return err
}

// The error of prepare dropped: where it fails it has not patched, and
// the load goes on.
func loadErrorDropped() error {
	spec, err := load() // want `bpf_loop requires Linux 5.17` `callbacks requires Linux 5.13` `BPF_MAP_TYPE_RINGBUF requires Linux 5.8` `bpf_ringbuf_output requires Linux 5.8`
	if err != nil {
		return err
	}
	prepare(spec, true)
	_, err = ebpf.NewCollection(spec)
	return err
}

type loader struct{ patch bool }

// patch is a method: followed like a function.
func (l *loader) disable(spec *ebpf.CollectionSpec) {
	withoutLoop(spec)
}

func (l *loader) loadPatchedByMethod() error {
	spec, err := load() // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8` `bpf_ringbuf_output requires Linux 5.8`
	if err != nil {
		return err
	}
	if !haveLoop() {
		l.disable(spec)
	}
	_, err = ebpf.NewCollection(spec)
	return err
}

// The patch under a further condition in the probe's failure path.
func (l *loader) loadPatchedSometimes() error {
	spec, err := load() // want `bpf_loop requires Linux 5.17` `callbacks requires Linux 5.13` `BPF_MAP_TYPE_RINGBUF requires Linux 5.8` `bpf_ringbuf_output requires Linux 5.8`
	if err != nil {
		return err
	}
	if !haveLoop() {
		if l.patch {
			l.disable(spec)
		}
	}
	_, err = ebpf.NewCollection(spec)
	return err
}
