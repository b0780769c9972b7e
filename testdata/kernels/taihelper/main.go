// Command taihelper loads a socket filter calling bpf_ktime_get_tai_ns
// (Linux 6.1).
package main

import (
	"fmt"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

func main() {
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type:    ebpf.SocketFilter,
		License: "GPL",
		Instructions: asm.Instructions{
			asm.FnKtimeGetTaiNs.Call(),
			asm.Mov.Imm(asm.R0, 0),
			asm.Return(),
		},
	})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	prog.Close()
}
