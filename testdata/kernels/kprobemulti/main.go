// Command kprobemulti attaches a kprobe program to a kernel function with
// a kprobe_multi link (Linux 5.18, and a kernel built with CONFIG_FPROBE).
package main

import (
	"fmt"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
)

func main() {
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type:         ebpf.Kprobe,
		AttachType:   ebpf.AttachTraceKprobeMulti,
		License:      "GPL",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
	})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer prog.Close()
	l, err := link.KprobeMulti(prog, link.KprobeMultiOptions{Symbols: []string{"vprintk"}})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	l.Close()
}
