// Package cfgmid stands between the library and the daemon, as cilium's // want package:"exports bpf\\(2\\) wrappers or requirements"
// loader stands between socketlb and the daemon: it hands the failure
// on, and with it the requirement and the field it is needed under.
package cfgmid

import (
	"github.com/cilium/ebpf"

	"bpfcompat.test/cfglib"
)

// Reinit attaches the getpeername hook, if the configuration asks for it.
func Reinit(prog *ebpf.Program) error { // want Reinit:"checks BPF_PROG_ATTACH when true or nil" Reinit:"requires .*\\(via cfglib.AttachPeer\\) \\(.*GETPEERNAME.* only when bpfcompat.test/cfgopt.DaemonConfig.EnablePeer is set\\)"
	return cfglib.AttachPeer(prog, 3)
}

// ReinitHooks attaches the hooks the command line asks for.
func ReinitHooks(prog *ebpf.Program) error { // want ReinitHooks:"requires .*\\(via cfglib.AttachHooks\\) \\(.*GETPEERNAME.* only when bpfcompat.test/cfgopt.DaemonConfig.EnableHooks is set\\)"
	return cfglib.AttachHooks(prog, 3)
}
