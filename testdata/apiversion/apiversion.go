// Package apiversion imports cilium/ebpf built from another version than // want package:"noted github.com/cilium/ebpf"
// the API map the test gives the analyzer describes: one note, at the
// first import of the module.
package apiversion

import (
	"github.com/cilium/ebpf" // want `the API map describes github.com/cilium/ebpf v0.21.0, but this package is built with v0.22.0`
	"github.com/cilium/ebpf/link"
)

var _ = ebpf.Hash
var _ = link.Kprobe
