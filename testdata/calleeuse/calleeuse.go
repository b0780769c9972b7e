// Package calleeuse passes attach types to calleelib's queries. // want package:"exports bpf\\(2\\) wrappers or requirements"
package calleeuse

import (
	"github.com/cilium/ebpf"

	"bpfcompat.test/calleelib"
)

func Loaded(ifindex int) (bool, error) {
	return calleelib.HasLinks(ifindex, ebpf.AttachTCXIngress)
}

// The twin: the callee hands the failure back, and this caller gives up.
func LoadedStrict(ifindex int) bool { // want LoadedStrict:"requires .*BPF_TCX_INGRESS \\(via calleelib.Query\\)" LoadedStrict:"checks BPF_PROG_QUERY, BPF_PROG_QUERY.attach_type, BPF_PROG_QUERY.target_fd when true or nil"
	ok, err := calleelib.Query(ifindex, ebpf.AttachTCXIngress) // want `BPF_TCX_INGRESS requires Linux 6.6`
	if err != nil {
		panic(err)
	}
	return ok
}
