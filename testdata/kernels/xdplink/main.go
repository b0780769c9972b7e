// Command xdplink attaches an XDP program to the loopback interface with
// a link (Linux 5.9).
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
		Type:         ebpf.XDP,
		License:      "GPL",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 2), asm.Return()}, // XDP_PASS
	})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer prog.Close()
	l, err := link.AttachXDP(link.XDPOptions{Interface: 1, Program: prog})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	l.Close()
}
