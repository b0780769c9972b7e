// Package config takes its target from .bpfcompat.yaml.
package config

import "golang.org/x/sys/unix"

func types() []uint32 {
	return []uint32{
		unix.BPF_MAP_TYPE_USER_RINGBUF,
		unix.BPF_TCX_INGRESS, // want `BPF_TCX_INGRESS requires Linux 6.6, but the target is 6.1`
	}
}
