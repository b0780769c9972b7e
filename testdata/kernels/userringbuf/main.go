// Command userringbuf creates a user ring buffer map (Linux 6.1).
package main

import (
	"fmt"
	"os"

	"github.com/cilium/ebpf"
)

func main() {
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.UserRingbuf, MaxEntries: 4096})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	m.Close()
}
