// Package mapflags sets map operation flags and freezes a map, checked at
// an old target (4.19): BPF_F_LOCK came in 5.1, BPF_MAP_FREEZE in 5.2.
package mapflags

import "github.com/cilium/ebpf"

func update(m *ebpf.Map) error {
	if err := m.Update(uint32(0), uint64(1), ebpf.UpdateAny); err != nil {
		return err
	}
	return m.Update(uint32(0), uint64(1), ebpf.UpdateLock) // want `BPF_F_LOCK requires Linux 5.1, but the target is 4.19`
}

func lookup(m *ebpf.Map) error {
	var v uint64
	return m.LookupWithFlags(uint32(0), &v, ebpf.LookupLock) // want `BPF_F_LOCK requires Linux 5.1, but the target is 4.19`
}

func freeze(m *ebpf.Map) {
	if err := m.Freeze(); err != nil { // want `BPF_MAP_FREEZE requires Linux 5.2, but the target is 4.19`
		panic(err)
	}
}
