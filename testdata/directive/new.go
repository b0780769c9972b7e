//bpfcompat:kernel 5.10

// This file is built into the variant of the program that runs on 5.10 and newer.
package directive

import "golang.org/x/sys/unix"

func ringbuf() uint32 { return unix.BPF_MAP_TYPE_RINGBUF }

func userRingbuf() uint32 {
	return unix.BPF_MAP_TYPE_USER_RINGBUF // want `BPF_MAP_TYPE_USER_RINGBUF requires Linux 6.1, but the target is 5.10`
}
