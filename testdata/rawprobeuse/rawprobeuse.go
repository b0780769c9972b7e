// Package rawprobeuse calls rawprobelib's wrapper: what it passes as the
// replace fd decides, with rawprobelib's probe as the guard.
package rawprobeuse

import (
	"errors"

	"golang.org/x/sys/unix"

	"bpfcompat.test/rawprobelib"
)

func attach(target, prog int, old []int) error { // want attach:"checks BPF_CGROUP_DEVICE, BPF_PROG_ATTACH when true or nil"
	replaceFd, flags := -1, uint32(unix.BPF_F_ALLOW_MULTI)
	if rawprobelib.HaveReplace() && len(old) == 1 {
		replaceFd = old[0]
		flags |= unix.BPF_F_REPLACE
	}
	return rawprobelib.ProgAttach(target, prog, flags, replaceFd)
}

func attachNew(target, prog int) error { // want attachNew:"checks BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI, BPF_PROG_ATTACH when true or nil"
	return rawprobelib.ProgAttach(target, prog, unix.BPF_F_ALLOW_MULTI, -1)
}

func attachUnguarded(target, prog, old int) error { // want attachUnguarded:"checks BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI, BPF_PROG_ATTACH when true or nil"
	return rawprobelib.ProgAttach(target, prog, unix.BPF_F_ALLOW_MULTI, old) // want `BPF_PROG_ATTACH.replace_bpf_fd requires Linux 5.6, but the target is 5.4 \(via rawprobelib.ProgAttach argument 3 → field replaceBpfFd of the BPF_PROG_ATTACH attr\)`
}

// canReplace is this package's own probe, through the imported wrapper:
// what it passes there is what it tries.
func canReplace() bool { // want canReplace:"checks BPF_F_REPLACE when true or nil"
	err := rawprobelib.ProgAttach(-1, 0, unix.BPF_F_REPLACE, -1)
	return !errors.Is(err, unix.EINVAL)
}

func replace(target, prog int) error { // want replace:"checks BPF_CGROUP_DEVICE, BPF_F_REPLACE, BPF_PROG_ATTACH when true or nil"
	if canReplace() {
		return rawprobelib.ProgAttach(target, prog, unix.BPF_F_REPLACE, -1)
	}
	return rawprobelib.ProgAttach(target, prog, unix.BPF_F_REPLACE, -1) // want `BPF_F_REPLACE requires Linux 5.6`
}
