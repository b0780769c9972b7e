// Command mmapable creates an array map user space can mmap (Linux 5.5).
package main

import (
	"fmt"
	"os"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

func main() {
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: 1, Flags: unix.BPF_F_MMAPABLE})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	m.Close()
}
