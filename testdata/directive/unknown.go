package directive

import "github.com/cilium/ebpf"

// A misspelt directive would do nothing: it is reported, with the
// directive meant.
//
// want +1 `unknown directive //bpfcompat:require; did you mean "requires"\? \(the directives are checks, ignore, kernel, requires\)`
//bpfcompat:require 5.8
func misspelt() ebpf.MapType {
	return ebpf.RingBuf // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// A tab after the verb is a blank like a space.
func tabbed() ebpf.MapType {
	return ebpf.RingBuf //bpfcompat:ignore	the callers probe for ring buffers
}

// want +1 `unknown directive //bpfcompat:nocheck \(the directives are checks, ignore, kernel, requires\)`
var _ = 1 //bpfcompat:nocheck
