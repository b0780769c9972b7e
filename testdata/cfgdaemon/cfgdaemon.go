// Package cfgdaemon probes the kernel, writes what it found into the // want package:"sets config bpfcompat.test/cfgopt.DaemonConfig.EnablePeer only with BPF_CGROUP_INET4_GETPEERNAME; bpfcompat.test/cfgopt.DaemonConfig.EnablePeer6 without a probe"
// global configuration, and calls the library that reads it, as cilium's
// daemon does: here every write of the fields is in sight, so the calls
// are decided here.
package cfgdaemon

import (
	"github.com/cilium/ebpf"

	"bpfcompat.test/cfglib"
	"bpfcompat.test/cfgmid"
	"bpfcompat.test/cfgopt"
)

// haveGetPeername is the project's probe of the hooks.
//
//bpfcompat:checks BPF_CGROUP_INET4_GETPEERNAME
func haveGetPeername() error { return nil } // want haveGetPeername:"checks BPF_CGROUP_INET4_GETPEERNAME when true or nil"

// haveGetPeername6 is the same for IPv6.
//
//bpfcompat:checks BPF_CGROUP_INET6_GETPEERNAME
func haveGetPeername6() error { return nil } // want haveGetPeername6:"checks BPF_CGROUP_INET6_GETPEERNAME when true or nil"

// Init enables the hooks, and clears them where the probe fails.
func Init() {
	cfgopt.Config.EnablePeer = true
	if err := haveGetPeername(); err != nil {
		cfgopt.Config.EnablePeer = false
	}
	cfgopt.Config.EnablePeer6 = haveGetPeername6() == nil
}

// Force sets the IPv6 field by hand: it no longer says the probe passed.
func Force() {
	cfgopt.Config.EnablePeer6 = true
}

// start attaches what the configuration asks for, and drops what fails:
// each call is decided here.
func start(prog *ebpf.Program) {
	cfglib.AttachPeer(prog, 3)  // set only where the probe passed
	cfglib.AttachPeer6(prog, 3) // want `BPF_CGROUP_INET6_GETPEERNAME requires Linux 5.8, but the target is 5.4`
	cfglib.AttachHooks(prog, 3) // want `BPF_CGROUP_INET4_GETPEERNAME requires Linux 5.8, but the target is 5.4`
	cfglib.AttachUnset(prog, 3) // want `BPF_CGROUP_INET4_GETPEERNAME requires Linux 5.8, but the target is 5.4`
	cfgmid.Reinit(prog)         // through a function that hands it on
	cfgmid.ReinitHooks(prog)    // want `BPF_CGROUP_INET4_GETPEERNAME requires Linux 5.8, but the target is 5.4`
	cfglib.AttachAlso(prog, 3)  // want `BPF_CGROUP_INET4_GETPEERNAME requires Linux 5.8, but the target is 5.4`
}
