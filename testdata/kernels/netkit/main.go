// Command netkit asks the kernel to attach a tc program to a netkit
// device (Linux 6.7) on an interface index no device has. Only a kernel
// with netkit looks the index up and answers ENODEV, so that answer is
// taken as success; a kernel without netkit rejects the attach type
// before any lookup, and cilium/ebpf hands on its feature test's error.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// noSuchInterface is an interface index no device is given.
const noSuchInterface = 0x7fffffff

func main() {
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type:         ebpf.SchedCLS,
		License:      "GPL",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
	})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer prog.Close()
	l, err := link.AttachNetkit(link.NetkitOptions{Interface: noSuchInterface, Program: prog, Attach: ebpf.AttachNetkitPrimary})
	if err == nil {
		l.Close()
		fmt.Println("attached to an interface that does not exist")
		os.Exit(1)
	}
	fmt.Println(err)
	if !errors.Is(err, unix.ENODEV) {
		os.Exit(1)
	}
}
