// Package fixes has uses with suggested fixes. // want package:"exports bpf\\(2\\) wrappers or requirements"
//
// Every fix keeps what the code means where the feature exists: it declares
// no name that other code sees, and an error the statement hands on
// carries the probe's failure.
package fixes

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
)

// A statement whose results are dropped is wrapped.
func read(m *ebpf.Map) {
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// An assignment without an error is wrapped.
func lsm(spec *ebpf.ProgramSpec) {
	spec.Type = ebpf.LSM // want `BPF_PROG_TYPE_LSM requires Linux 5.7`
}

var globalLink link.Link

// An assignment to an error that the code tests afterwards: where the probe
// fails, err holds its error, as it would have held the call's. The name
// for the probe's error is one nothing here uses.
func attach(prog *ebpf.Program) error { // want attach:"checks BPF_LINK_TYPE_KPROBE_MULTI when true or nil"
	var err error
	globalLink, err = link.KprobeMulti(prog, link.KprobeMultiOptions{Symbols: []string{"vfs_read"}}) // want `BPF_LINK_TYPE_KPROBE_MULTI requires Linux 5.18`
	if err != nil {
		return err
	}
	return nil
}

// A declaration keeps its scope: the probe returns early instead.
func open(m *ebpf.Map) (*ringbuf.Reader, error) {
	rd, err := ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// So does a return, with a zero value for each other result.
func openDirect(m *ebpf.Map) (*ringbuf.Reader, error) {
	return ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// A struct literal in a declaration, with a struct result.
func ringSpec(entries uint32) (ebpf.MapSpec, int, error) {
	spec := ebpf.MapSpec{Type: ebpf.RingBuf, MaxEntries: entries} // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	return spec, 1, nil
}

// A declaration in a function that returns no error gets no guard: it
// could not keep the variable in scope and return early.
func declared(m *ebpf.Map) *ringbuf.Reader {
	rd, _ := ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	return rd
}

// Where features names something else, the probe cannot be written.
func shadowed(m *ebpf.Map, features []string) {
	_ = features
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// An existing requirement is raised, not repeated.
//
//bpfcompat:requires 5.4
func raised(m *ebpf.Map) { // want raised:"requires Linux 5.4"
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// Several requirements: the newest holds, whatever their order.
//
//bpfcompat:requires 5.8
//bpfcompat:requires 5.4
func several(m *ebpf.Map) { // want several:"requires Linux 5.8"
	ringbuf.NewReader(m)
}

// The features of several directives add up.
//
//bpfcompat:requires BPF_MAP_TYPE_RINGBUF
//bpfcompat:requires BPF_PROG_TYPE_LSM
func severalFeatures(m *ebpf.Map, spec *ebpf.ProgramSpec) { // want severalFeatures:"requires BPF_MAP_TYPE_RINGBUF, BPF_PROG_TYPE_LSM"
	ringbuf.NewReader(m)
	spec.Type = ebpf.LSM
}

var _ = features.HaveMapType
