// Package bpfwrap wraps bpf(2) the way projects do. // want package:"exports bpf\\(2\\) wrappers"
package bpfwrap

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// BPF passes its arguments to bpf(2).
func BPF(cmd uintptr, attr unsafe.Pointer, size uintptr) (uintptr, error) { // want BPF:"bpf\\(2\\) wrapper: command param 0, attr param 1"
	r, _, errno := unix.Syscall(unix.SYS_BPF, cmd, uintptr(attr), size)
	if errno != 0 {
		return 0, errno
	}
	return r, nil
}

// MapCreateAttr is the BPF_MAP_CREATE attr of Linux 6.9.
type MapCreateAttr struct {
	MapType               uint32
	KeySize               uint32
	ValueSize             uint32
	MaxEntries            uint32
	MapFlags              uint32
	InnerMapFd            uint32
	NumaNode              uint32
	MapName               [16]byte
	MapIfindex            uint32
	BtfFd                 uint32
	BtfKeyTypeID          uint32
	BtfValueTypeID        uint32
	BtfVmlinuxValueTypeID uint32
	MapExtra              uint64
	ValueTypeBtfObjFd     int32
	MapTokenFd            int32
}

// MapCreate is a per-command wrapper: the command is fixed, the attr is the caller's.
func MapCreate(attr *MapCreateAttr) (uintptr, error) { // want MapCreate:"bpf\\(2\\) wrapper: command 0, attr param 0"
	return BPF(unix.BPF_MAP_CREATE, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}
