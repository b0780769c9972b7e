// Package baddisable's .bpfcompat.yaml disables a category that does not
// exist.
package baddisable

import "github.com/cilium/ebpf"

var ring = &ebpf.MapSpec{Type: ebpf.RingBuf}
