// Package checklib has the kinds of kernel checks projects write.
package checklib

import (
	"errors"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/link"
)

// SupportRingBuf is inferred to be a check: it is true only after the probe succeeded.
func SupportRingBuf() bool { // want SupportRingBuf:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	if err := features.HaveMapType(ebpf.RingBuf); err != nil {
		return false
	}
	return true
}

// HaveLSM wraps the probe's error.
func HaveLSM() error { // want HaveLSM:"checks BPF_PROG_TYPE_LSM when true or nil"
	return features.HaveProgramType(ebpf.LSM)
}

// TryKprobeMulti is pwru's kind of probe: it tries the feature and says
// whether that worked.
func TryKprobeMulti(prog *ebpf.Program) bool { // want TryKprobeMulti:"checks BPF_LINK_TYPE_KPROBE_MULTI when true or nil"
	l, err := link.KretprobeMulti(prog, link.KprobeMultiOptions{Symbols: []string{"vprintk"}})
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// NotACheck can return true without probing.
func NotACheck(force bool) bool {
	if force {
		return true
	}
	return features.HaveMapType(ebpf.RingBuf) == nil
}

// HaveV511 is a fixed version check, as Tetragon's EnableV511Progs.
//
//bpfcompat:checks 5.11
func HaveV511() bool { return kernelCode() >= 5<<16|11<<8 } // want HaveV511:"checks Linux 5.11 when true or nil"

// MinKernelVersion is true on kernels at or above v.
//
//bpfcompat:checks arg0
func MinKernelVersion(v string) bool { return kernelCode() >= parse(v) } // want MinKernelVersion:"checks the version in argument 0 when true or nil"

// IsKernelOlderThan is true on kernels below v: false proves v.
//
//bpfcompat:checks arg0 false
func IsKernelOlderThan(v string) bool { return kernelCode() < parse(v) } // want IsKernelOlderThan:"checks the version in argument 0 when false or non-nil"

// KernelVersion is a kernel version, as projects keep one.
type KernelVersion struct{ Major, Minor, Patch int }

// NewVersion makes a KernelVersion.
func NewVersion(major, minor, patch int) KernelVersion { return KernelVersion{major, minor, patch} }

// GreaterOrEqual is true when kv is at least o.
//
//bpfcompat:checks arg0
func (kv KernelVersion) GreaterOrEqual(o KernelVersion) bool { // want GreaterOrEqual:"checks the version in argument 0 when true or nil"
	return kv.Major > o.Major || kv.Major == o.Major && kv.Minor >= o.Minor
}

// want +2 `bad //bpfcompat:checks directive: "banana" is neither a kernel version nor a feature the specs know`
//
//bpfcompat:checks banana
func Broken() bool { return false }

func kernelCode() uint32 {
	code, err := features.LinuxVersionCode()
	if err != nil {
		return 0
	}
	return code
}

func parse(v string) uint32 {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		panic(errors.New("bad version"))
	}
	a, _ := strconv.Atoi(parts[0])
	b, _ := strconv.Atoi(parts[1])
	return uint32(a<<16 | b<<8)
}
