// Package usewrap calls another package's bpf(2) wrappers. // want package:"exports bpf\\(2\\) wrappers"
package usewrap

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"bpfcompat.test/bpfwrap"
)

func bloom() {
	bpfwrap.MapCreate(&bpfwrap.MapCreateAttr{
		MapType:    unix.BPF_MAP_TYPE_BLOOM_FILTER, // want `BPF_MAP_TYPE_BLOOM_FILTER requires Linux 5.16`
		ValueSize:  8,
		MaxEntries: 1000,
		MapExtra:   3, // want `BPF_MAP_CREATE.map_extra requires Linux 5.16, but the target is 5.4 \(via field MapExtra of the BPF_MAP_CREATE attr\)`
	})
}

func hash() {
	bpfwrap.MapCreate(&bpfwrap.MapCreateAttr{MapType: unix.BPF_MAP_TYPE_HASH, KeySize: 4, ValueSize: 4, MaxEntries: 1})
}

type bindMapAttr struct {
	ProgFd uint32
	MapFd  uint32
	Flags  uint32
}

func bind(prog, m uint32) {
	attr := bindMapAttr{ProgFd: prog, MapFd: m}
	bpfwrap.BPF(unix.BPF_PROG_BIND_MAP, unsafe.Pointer(&attr), unsafe.Sizeof(attr)) // want `BPF_PROG_BIND_MAP requires Linux 5.10, but the target is 5.4 \(via bpfwrap.BPF\)`
}

// A wrapper of this package, over the imported one.
func freeze(attr unsafe.Pointer) error { // want freeze:"bpf\\(2\\) wrapper: command 22, attr param 0" freeze:"checks BPF_MAP_FREEZE when true or nil"
	_, err := bpfwrap.BPF(unix.BPF_MAP_FREEZE, attr, 8)
	return err
}
