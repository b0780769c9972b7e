// Package flagtarget is analyzed with -kernel=5.10,6.1 and a kernel spec.
package flagtarget

import "golang.org/x/sys/unix"

var types = []uint32{
	unix.BPF_MAP_TYPE_RINGBUF,      // on every target
	unix.BPF_MAP_TYPE_BLOOM_FILTER, // want `BPF_MAP_TYPE_BLOOM_FILTER requires Linux 5.16; missing on 5.10, rhel-8.10`
	unix.BPF_MAP_TYPE_USER_RINGBUF, // want `BPF_MAP_TYPE_USER_RINGBUF requires Linux 6.1; missing on 5.10, rhel-8.10`
	unix.BPF_TCX_INGRESS,           // want `BPF_TCX_INGRESS requires Linux 6.6; missing on 5.10, 6.1, rhel-8.10`
}
