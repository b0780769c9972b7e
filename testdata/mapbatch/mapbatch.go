//bpfcompat:kernel 5.10

// Package mapbatch runs batch operations on maps of known type, on 5.10 and
// newer: the batch commands (5.6) are there, but LPM tries and per-CPU
// arrays took them only in 5.13, map-in-map maps in 5.19.
package mapbatch

import (
	"github.com/cilium/ebpf"

	"bpfcompat.test/mapgen"
)

func fromObject() error { // want fromObject:"checks BPF_MAP_LOOKUP_BATCH, BPF_MAP_UPDATE_BATCH when true or nil"
	var objs mapgen.MapkindsObjects
	if err := mapgen.LoadMapkindsObjects(&objs, nil); err != nil {
		return err
	}
	keys := make([]uint64, 4)
	values := make([]uint64, 4)
	var cursor ebpf.MapBatchCursor
	if _, err := objs.Prefixes.BatchLookup(&cursor, keys, values, nil); err != nil { // want `BPF_MAP_TYPE_LPM_TRIE.BPF_MAP_LOOKUP_BATCH requires Linux 5.13, but the target is 5.10 \(via \(\*ebpf.Map\).BatchLookup on a BPF_MAP_TYPE_LPM_TRIE map\)`
		return err
	}
	if _, err := objs.PerCpu.BatchUpdate(keys, values, nil); err != nil { // want `BPF_MAP_TYPE_PERCPU_ARRAY.BPF_MAP_UPDATE_BATCH requires Linux 5.13, but the target is 5.10`
		return err
	}
	// A hash map had batches from the commands' first release.
	_, err := objs.Locked.BatchLookup(&cursor, keys, values, &ebpf.BatchOptions{ElemFlags: uint64(ebpf.LookupLock)})
	return err
}

func fromSpec() error { // want fromSpec:"checks BPF_MAP_LOOKUP_AND_DELETE_BATCH when true or nil"
	inner := &ebpf.MapSpec{Type: ebpf.Array, KeySize: 4, ValueSize: 4, MaxEntries: 1}
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.HashOfMaps, KeySize: 4, ValueSize: 4, MaxEntries: 8, InnerMap: inner})
	if err != nil {
		return err
	}
	keys := make([]uint32, 8)
	values := make([]uint32, 8)
	var cursor ebpf.MapBatchCursor
	_, err = m.BatchLookupAndDelete(&cursor, keys, values, nil) // want `BPF_MAP_TYPE_HASH_OF_MAPS.BPF_MAP_LOOKUP_AND_DELETE_BATCH requires Linux 5.19, but the target is 5.10`
	return err
}

// Checked first: the delete runs only on 5.13 and newer.
func checked() error {
	var objs mapgen.MapkindsObjects
	if err := mapgen.LoadMapkindsObjects(&objs, nil); err != nil {
		return err
	}
	if err := atLeast513(); err != nil {
		return nil
	}
	_, err := objs.Prefixes.BatchDelete(make([]uint64, 4), nil)
	return err
}

// The unchecked twin.
func unchecked() error { // want unchecked:"checks BPF_MAP_DELETE_BATCH when true or nil"
	var objs mapgen.MapkindsObjects
	if err := mapgen.LoadMapkindsObjects(&objs, nil); err != nil {
		return err
	}
	_, err := objs.Prefixes.BatchDelete(make([]uint64, 4), nil) // want `BPF_MAP_TYPE_LPM_TRIE.BPF_MAP_DELETE_BATCH requires Linux 5.13, but the target is 5.10`
	return err
}

//bpfcompat:checks 5.13
func atLeast513() error { return nil } // want atLeast513:"checks Linux 5.13 when true or nil"
