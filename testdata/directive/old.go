package directive

import "golang.org/x/sys/unix"

// Without the directive the file is held to the target.
func ringbufOld() uint32 {
	return unix.BPF_MAP_TYPE_RINGBUF // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4`
}
