// Package memolib keeps probe results the ways projects memoize them: a
// struct filled once, sync.OnceValue and sync.OnceValues, a variable set
// when the package starts. Each is a check its importers guard with.
package memolib

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/link"
)

var kprobeMulti struct {
	once sync.Once
	ok   bool
}

// HasKprobeMulti probes once and keeps the answer in a field.
func HasKprobeMulti() bool { // want HasKprobeMulti:"checks BPF_LINK_TYPE_KPROBE_MULTI when true or nil"
	kprobeMulti.once.Do(func() {
		kprobeMulti.ok = features.HaveBPFLinkKprobeMulti() == nil
	})
	return kprobeMulti.ok
}

var ringBuf struct {
	once sync.Once
	ok   bool
}

// HasRingBufOr's field is also set without a probe: it proves nothing.
func HasRingBufOr(force bool) bool {
	ringBuf.once.Do(func() {
		ringBuf.ok = features.HaveMapType(ebpf.RingBuf) == nil
	})
	if force {
		ringBuf.ok = true
	}
	return ringBuf.ok
}

// HaveLSM is sync.OnceValue over a probe: calling the variable is the check.
var HaveLSM = sync.OnceValue(func() error { // want HaveLSM:"checks BPF_PROG_TYPE_LSM when true or nil"
	return features.HaveProgramType(ebpf.LSM)
})

// HaveRingBuf tells "no" from "could not tell", with sync.OnceValues.
var HaveRingBuf = sync.OnceValues(func() (bool, error) { // want HaveRingBuf:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	err := features.HaveMapType(ebpf.RingBuf)
	if errors.Is(err, ebpf.ErrNotSupported) {
		return false, nil
	}
	return err == nil, err
})

// HaveLSMOr can say yes without probing: no check.
var HaveLSMOr = sync.OnceValue(func() error {
	if len(os.Args) > 3 {
		return nil
	}
	return features.HaveProgramType(ebpf.LSM)
})

// StructOps is probed when the package starts: reading it is the check.
var StructOps = features.HaveMapType(ebpf.StructOpsMap) == nil // want StructOps:"checks BPF_MAP_TYPE_STRUCT_OPS when true or nil"

// TaskStorageErr keeps the probe's error.
var TaskStorageErr = features.HaveMapType(ebpf.TaskStorage) // want TaskStorageErr:"checks BPF_MAP_TYPE_TASK_STORAGE when true or nil"

// Bloom is probed, then may be switched on by hand: no check.
var Bloom = features.HaveMapType(ebpf.BloomFilter) == nil

// ForceBloom is what makes Bloom no check.
func ForceBloom() { Bloom = true }

// HaveTCX tries tcx on a dummy program, in a callback whose error it
// returns: a check, whose body is the probe its callers test.
var HaveTCX = sync.OnceValue(func() error { // want HaveTCX:"checks BPF_LINK_TYPE_TCX when true or nil"
	prog, err := newProgram()
	if err != nil {
		return err
	}
	defer prog.Close()
	return inNamespace(func() error {
		l, err := link.AttachTCX(link.TCXOptions{
			Program: prog,
			Attach:  ebpf.AttachTCXIngress,
			Anchor:  link.Tail(),
		})
		if err != nil {
			return fmt.Errorf("creating link: %w", err)
		}
		return l.Close()
	})
})

// HaveNetkitOr can say yes without trying: no check, and the attach is
// reported where it is.
var HaveNetkitOr = sync.OnceValue(func() error {
	if len(os.Args) > 4 {
		return nil
	}
	return inNamespace(func() error {
		l, err := link.AttachNetkit(link.NetkitOptions{Program: nil, Interface: 1}) // want `BPF_LINK_TYPE_NETKIT requires Linux 6.7`
		if err != nil {
			return err
		}
		return l.Close()
	})
})

// inNamespace runs f and returns its error, as netns.Do does.
func inNamespace(f func() error) error { return f() }

func newProgram() (*ebpf.Program, error) {
	return ebpf.NewProgram(&ebpf.ProgramSpec{Type: ebpf.SchedCLS})
}

// haveTracing is this package's own memoized probe: its callers here
// test it, so its body is the probe, exported or not.
var haveTracing = sync.OnceValue(func() error { // a check of trampolines, not exported: importers cannot call it
	return inNamespace(func() error {
		l, err := link.AttachTracing(link.TracingOptions{})
		if err != nil {
			return err
		}
		return l.Close()
	})
})

// Trace attaches where haveTracing said yes.
func Trace(prog *ebpf.Program) (link.Link, error) {
	if err := haveTracing(); err != nil {
		return nil, err
	}
	return link.AttachTracing(link.TracingOptions{Program: prog})
}
