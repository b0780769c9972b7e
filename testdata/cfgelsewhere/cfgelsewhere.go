// Package cfgelsewhere calls the library without importing the daemon
// that writes the field: no write of it is in sight, so the call is not
// guarded by it.
package cfgelsewhere

import (
	"github.com/cilium/ebpf"

	"bpfcompat.test/cfglib"
)

// start attaches the hook.
func start(prog *ebpf.Program) {
	_ = cfglib.AttachPeer(prog, 3) // want `BPF_CGROUP_INET4_GETPEERNAME requires Linux 5.8, but the target is 5.4`
}
