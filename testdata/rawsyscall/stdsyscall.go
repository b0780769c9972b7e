package rawsyscall

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The standard library's syscall has no SYS_BPF on amd64, but its entry
// points run bpf(2) all the same when given its number: the number is
// what selects bpf(2), not the package it is named in.
func stdLinkCreate(prog, target uint32) error { // want stdLinkCreate:"checks BPF_LINK_CREATE when true or nil"
	attr := linkCreateAttr{ProgFd: prog, TargetFd: target}
	_, _, errno := syscall.Syscall(unix.SYS_BPF, unix.BPF_LINK_CREATE, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr)) // want `BPF_LINK_CREATE requires Linux 5.7, but the target is 5.4`
	if errno != 0 {
		return errno
	}
	return nil
}

// A project's own wrapper over syscall is a wrapper like any other: its
// callers are checked for the command they pass.
func sysBPFCall(cmd uintptr, attr unsafe.Pointer, size uintptr) (uintptr, syscall.Errno) { // want sysBPFCall:"bpf\\(2\\) wrapper: command param 0, attr param 1"
	r, _, errno := syscall.Syscall(unix.SYS_BPF, cmd, uintptr(attr), size)
	return r, errno
}

func wrappedLinkCreate(prog uint32) {
	attr := linkCreateAttr{ProgFd: prog}
	sysBPFCall(unix.BPF_LINK_CREATE, unsafe.Pointer(&attr), unsafe.Sizeof(attr)) // want `BPF_LINK_CREATE requires Linux 5.7, but the target is 5.4`
}

// Other system calls through syscall are not bpf(2), even with arguments
// that would make a bpf(2) call too new.
func stdNotBPF(prog uint32) {
	attr := linkCreateAttr{ProgFd: prog}
	syscall.Syscall(syscall.SYS_IOCTL, unix.BPF_LINK_CREATE, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	syscall.RawSyscall6(unix.SYS_IOCTL, unix.BPF_LINK_CREATE, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr), 0, 0, 0)
}
