// Package rawprobelib exports a bpf(2) wrapper that writes an optional fd // want package:"exports bpf\\(2\\) wrappers or requirements"
// into the attr only when it is given one, and the probe for it: its
// importers are checked through the facts, a -1 passing, a real fd only
// under the probe.
package rawprobelib

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"
)

type attachAttr struct {
	targetFd     uint32
	attachBpfFd  uint32
	attachType   uint32
	attachFlags  uint32
	replaceBpfFd uint32
}

// ProgAttach attaches prog to a cgroup, replacing replaceFd if it is > 0.
func ProgAttach(target, prog int, flags uint32, replaceFd int) error { // want ProgAttach:"when argument 3 > 0, it needs BPF_PROG_ATTACH.replace_bpf_fd" ProgAttach:"checks BPF_CGROUP_DEVICE, BPF_PROG_ATTACH when true or nil" ProgAttach:"writes argument 0 into BPF_PROG_ATTACH.target_fd, argument 1 into BPF_PROG_ATTACH.attach_bpf_fd, argument 2 into BPF_PROG_ATTACH.attach_flags, argument 3 > 0 into BPF_PROG_ATTACH.replace_bpf_fd" ProgAttach:"requires BPF_CGROUP_DEVICE, BPF_PROG_ATTACH, BPF_PROG_ATTACH.attach_bpf_fd, .*"
	attr := attachAttr{
		targetFd:    uint32(target),
		attachBpfFd: uint32(prog),
		attachType:  uint32(unix.BPF_CGROUP_DEVICE),
		attachFlags: flags,
	}
	if replaceFd > 0 {
		attr.replaceBpfFd = uint32(replaceFd)
	}
	_, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_PROG_ATTACH, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		return errno
	}
	return nil
}

// HaveReplace tries BPF_F_REPLACE with a replace fd on a bad target.
func HaveReplace() bool { // want HaveReplace:"checks BPF_F_REPLACE, BPF_PROG_ATTACH.replace_bpf_fd when true or nil"
	err := ProgAttach(-1, 1, unix.BPF_F_REPLACE, 1)
	return !errors.Is(err, unix.EINVAL)
}
