// Package badconfig has a .bpfcompat.yaml with a misspelled key.
package badconfig

import "golang.org/x/sys/unix"

var T uint32 = unix.BPF_MAP_TYPE_RINGBUF
