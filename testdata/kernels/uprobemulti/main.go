// Command uprobemulti attaches a uprobe program to a function of its own
// executable with an uprobe_multi link (Linux 6.6).
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
		AttachType:   ebpf.AttachTraceUprobeMulti,
		License:      "GPL",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
	})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer prog.Close()
	self, err := os.Executable()
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	ex, err := link.OpenExecutable(self)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	l, err := ex.UprobeMulti([]string{"main.main"}, prog, nil)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	l.Close()
}
