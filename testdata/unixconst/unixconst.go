// Package unixconst selects features through golang.org/x/sys/unix constants.
package unixconst

import "golang.org/x/sys/unix"

type mapCreateAttr struct {
	MapType    uint32
	KeySize    uint32
	ValueSize  uint32
	MaxEntries uint32
	MapFlags   uint32
}

func newRingbufAttr() mapCreateAttr {
	return mapCreateAttr{
		MapType:    unix.BPF_MAP_TYPE_RINGBUF, // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4`
		MaxEntries: 4096,
	}
}

func newHashAttr(mmap bool) mapCreateAttr {
	a := mapCreateAttr{MapType: unix.BPF_MAP_TYPE_HASH, KeySize: 4, ValueSize: 8, MaxEntries: 16}
	a.MapFlags = unix.BPF_F_NO_PREALLOC
	if mmap {
		a.MapFlags |= unix.BPF_F_MMAPABLE // want `BPF_F_MMAPABLE requires Linux 5.5, but the target is 5.4`
	}
	return a
}

// Mentions are not uses: comparing with a feature, switching on it and
// declaring a constant for it select nothing.
const myType = unix.BPF_MAP_TYPE_USER_RINGBUF

func describe(t uint32) string {
	if t == unix.BPF_MAP_TYPE_RINGBUF {
		return "ringbuf"
	}
	switch t {
	case unix.BPF_MAP_TYPE_USER_RINGBUF, unix.BPF_MAP_TYPE_CGRP_STORAGE:
		return "new"
	}
	names := map[uint32]string{unix.BPF_MAP_TYPE_BLOOM_FILTER: "bloom"}
	return names[t]
}

// Arguments of ordinary functions select.
func create(t uint32) {}

func useArg() {
	create(unix.BPF_MAP_TYPE_BLOOM_FILTER) // want `BPF_MAP_TYPE_BLOOM_FILTER requires Linux 5.16, but the target is 5.4`
	create(unix.BPF_MAP_TYPE_ARRAY)
	create(uint32(unix.BPF_MAP_TYPE_TASK_STORAGE)) // want `BPF_MAP_TYPE_TASK_STORAGE requires Linux 5.11`
}

// Constants of the same value from elsewhere select nothing: only the
// kernel's names in x/sys do.
const BPF_MAP_TYPE_RINGBUF = 27

func lookalike() mapCreateAttr {
	return mapCreateAttr{MapType: BPF_MAP_TYPE_RINGBUF}
}

// Non-feature BPF constants in x/sys are not features.
func regs() int { return unix.BPF_REG_10 }
