// Command ringbuf creates a ring buffer map (Linux 5.8).
package main

import (
	"fmt"
	"os"

	"github.com/cilium/ebpf"
)

func main() {
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.RingBuf, MaxEntries: 4096})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	m.Close()
}
