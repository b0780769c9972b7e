// Package cfglib attaches programs when the global configuration asks for // want package:"exports bpf\\(2\\) wrappers or requirements"
// them, as cilium's socketlb does: whether the kernel has the hooks is
// decided where the configuration is written, not here.
package cfglib

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"bpfcompat.test/cfgopt"
)

func attach(prog *ebpf.Program, cgroup int, at ebpf.AttachType) error { // want attach:"checks BPF_PROG_ATTACH when true or nil"
	return link.RawAttachProgram(link.RawAttachProgramOptions{Target: cgroup, Program: prog, Attach: at})
}

// AttachPeer attaches the getpeername hook when the configuration says so.
func AttachPeer(prog *ebpf.Program, cgroup int) error { // want AttachPeer:"checks BPF_PROG_ATTACH when true or nil" AttachPeer:"requires BPF_CGROUP_INET4_CONNECT, BPF_CGROUP_INET4_GETPEERNAME, BPF_PROG_ATTACH, BPF_PROG_ATTACH.attach_type, BPF_PROG_ATTACH.target_fd \\(via link.RawAttachProgram, link.RawAttachProgram argument field Attach → field AttachType of the BPF_PROG_ATTACH attr, link.RawAttachProgram argument field Target → field TargetFdOrIfindex of the BPF_PROG_ATTACH attr\\) \\(.*GETPEERNAME.* only when bpfcompat.test/cfgopt.DaemonConfig.EnablePeer is set\\)"
	if cfgopt.Config.EnablePeer {
		return link.RawAttachProgram(link.RawAttachProgramOptions{Target: cgroup, Program: prog, Attach: ebpf.AttachCgroupInet4GetPeername})
	}
	return attach(prog, cgroup, ebpf.AttachCGroupInet4Connect)
}

// AttachPeer6 is AttachPeer for IPv6, under a field also set by hand.
func AttachPeer6(prog *ebpf.Program, cgroup int) error { // want AttachPeer6:"requires BPF_CGROUP_INET6_GETPEERNAME, BPF_PROG_ATTACH, BPF_PROG_ATTACH.attach_type, BPF_PROG_ATTACH.target_fd \\(via link.RawAttachProgram, link.RawAttachProgram argument field Attach → field AttachType of the BPF_PROG_ATTACH attr, link.RawAttachProgram argument field Target → field TargetFdOrIfindex of the BPF_PROG_ATTACH attr\\) \\(.*GETPEERNAME.* only when bpfcompat.test/cfgopt.DaemonConfig.EnablePeer6 is set\\)"
	if cfgopt.Config.EnablePeer6 {
		return link.RawAttachProgram(link.RawAttachProgramOptions{Target: cgroup, Program: prog, Attach: ebpf.AttachCgroupInet6GetPeername})
	}
	return nil
}

// AttachHooks attaches under a field the command line sets.
func AttachHooks(prog *ebpf.Program, cgroup int) error { // want AttachHooks:"requires BPF_CGROUP_INET4_GETPEERNAME, BPF_PROG_ATTACH, BPF_PROG_ATTACH.attach_type, BPF_PROG_ATTACH.target_fd \\(via link.RawAttachProgram, link.RawAttachProgram argument field Attach → field AttachType of the BPF_PROG_ATTACH attr, link.RawAttachProgram argument field Target → field TargetFdOrIfindex of the BPF_PROG_ATTACH attr\\) \\(.*GETPEERNAME.* only when bpfcompat.test/cfgopt.DaemonConfig.EnableHooks is set\\)"
	if cfgopt.Config.EnableHooks {
		return link.RawAttachProgram(link.RawAttachProgramOptions{Target: cgroup, Program: prog, Attach: ebpf.AttachCgroupInet4GetPeername})
	}
	return nil
}

// AttachUnset attaches under a field no package in sight writes.
func AttachUnset(prog *ebpf.Program, cgroup int) error { // want AttachUnset:"requires BPF_CGROUP_INET4_GETPEERNAME, BPF_PROG_ATTACH, BPF_PROG_ATTACH.attach_type, BPF_PROG_ATTACH.target_fd \\(via link.RawAttachProgram, link.RawAttachProgram argument field Attach → field AttachType of the BPF_PROG_ATTACH attr, link.RawAttachProgram argument field Target → field TargetFdOrIfindex of the BPF_PROG_ATTACH attr\\) \\(.*GETPEERNAME.* only when bpfcompat.test/cfgopt.DaemonConfig.EnableUnset is set\\)"
	if cfgopt.Config.EnableUnset {
		return link.RawAttachProgram(link.RawAttachProgramOptions{Target: cgroup, Program: prog, Attach: ebpf.AttachCgroupInet4GetPeername})
	}
	return nil
}

// AttachAlso uses the hook under the field and once without it: the
// field guards only one of the uses, so the requirement is not its.
func AttachAlso(prog *ebpf.Program, cgroup int) error { // want AttachAlso:"checks BPF_PROG_ATTACH when true or nil" AttachAlso:"requires BPF_CGROUP_INET4_GETPEERNAME, BPF_PROG_ATTACH, BPF_PROG_ATTACH.attach_type, BPF_PROG_ATTACH.target_fd \\(via link.RawAttachProgram, link.RawAttachProgram argument field Attach → field AttachType of the BPF_PROG_ATTACH attr, link.RawAttachProgram argument field Target → field TargetFdOrIfindex of the BPF_PROG_ATTACH attr\\)"
	if cfgopt.Config.EnablePeer {
		if err := link.RawAttachProgram(link.RawAttachProgramOptions{Target: cgroup, Program: prog, Attach: ebpf.AttachCgroupInet4GetPeername}); err != nil {
			return err
		}
	}
	return link.RawAttachProgram(link.RawAttachProgramOptions{Target: cgroup, Program: prog, Attach: ebpf.AttachCgroupInet4GetPeername})
}
