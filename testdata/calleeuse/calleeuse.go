// Package calleeuse passes attach types to calleelib's queries. // want package:"exports bpf\\(2\\) wrappers or requirements"
package calleeuse

import (
	"github.com/cilium/ebpf"

	"bpfcompat.test/calleelib"
)

func Loaded(ifindex int) (bool, error) {
	return calleelib.HasLinks(ifindex, ebpf.AttachTCXIngress)
}

// The twin: the callee hands the failure back, and so does this caller.
func LoadedStrict(ifindex int) (bool, error) { // want LoadedStrict:"requires .*BPF_TCX_INGRESS \\(via calleelib.Query\\)"
	return calleelib.Query(ifindex, ebpf.AttachTCXIngress) // want `BPF_TCX_INGRESS requires Linux 6.6`
}
