// Package mapops calls map methods whose command came to the map's type
// later than to maps in general.
package mapops

import (
	"github.com/cilium/ebpf"

	"bpfcompat.test/bpfgen"
)

func hashFromSpec() error { // want hashFromSpec:"checks BPF_MAP_LOOKUP_AND_DELETE_ELEM when true or nil"
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.Hash, KeySize: 4, ValueSize: 8, MaxEntries: 1})
	if err != nil {
		return err
	}
	var v uint64
	return m.LookupAndDelete(uint32(0), &v) // want `BPF_MAP_TYPE_HASH.BPF_MAP_LOOKUP_AND_DELETE_ELEM requires Linux 5.14, but the target is 5.4 \(via \(\*ebpf.Map\).LookupAndDelete on a BPF_MAP_TYPE_HASH map\)`
}

// Queues had it from the command's first release (4.20).
func queueFromSpec() error { // want queueFromSpec:"checks BPF_MAP_LOOKUP_AND_DELETE_ELEM when true or nil"
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.Queue, ValueSize: 8, MaxEntries: 1})
	if err != nil {
		return err
	}
	var v uint64
	return m.LookupAndDelete(nil, &v)
}

// A bpf2go struct's field stands for the object's map of that name.
func hashFromObject() error { // want hashFromObject:"checks BPF_MAP_LOOKUP_AND_DELETE_ELEM when true or nil"
	var objs bpfgen.FixupsObjects
	if err := bpfgen.LoadFixupsObjects(&objs, nil); err != nil { // want `bpf_ktime_get_boot_ns requires Linux 5.8` `bpf_loop requires Linux 5.17` `callbacks requires Linux 5.13`
		return err
	}
	var v uint64
	return objs.Pending.LookupAndDelete(uint32(0), &v) // want `BPF_MAP_TYPE_HASH.BPF_MAP_LOOKUP_AND_DELETE_ELEM requires Linux 5.14, but the target is 5.4 \(via \(\*ebpf.Map\).LookupAndDelete on a BPF_MAP_TYPE_HASH map\)`
}

// Of unknown type: nothing to say beyond the command.
func unknown(m *ebpf.Map) {
	var v uint64
	_ = m.LookupAndDelete(uint32(0), &v)
}
