// Command builtintarget is checked at -kernel=debian-12, a built-in target:
// Debian's 6.1 kernel, built without CONFIG_FPROBE.
package main

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
)

func main() {
	var prog *ebpf.Program
	// Mainline 6.1 has kprobe_multi links (5.18); Debian's 6.1 does not.
	link.KprobeMulti(prog, link.KprobeMultiOptions{Symbols: []string{"vprintk"}}) // want `BPF_LINK_TYPE_KPROBE_MULTI requires Linux 5.18 and a kernel built with it, but the target is debian-12 \(6.1\), built without it`
	// Ring buffers (5.8) are in Debian's 6.1.
	ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.RingBuf, MaxEntries: 4096})
	// TCX links (6.6) are not.
	link.AttachTCX(link.TCXOptions{Interface: 1, Program: prog, Attach: ebpf.AttachTCXIngress}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6, but the target is debian-12` `BPF_TCX_INGRESS requires Linux 6.6, but the target is debian-12`
}
