// Command agent is a small eBPF agent on cilium/ebpf, the kind of program
// bpfcompat exists for: it counts openat(2) calls per process in the kernel,
// streams them to user space through a ring buffer, and classifies ingress
// packets with tcx. Built and tested on a new kernel, it fails on older ones:
// run bpfcompat on it to see where.
package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
)

func main() {
	iface := "lo"
	if len(os.Args) > 1 {
		iface = os.Args[1]
	}
	if err := run(iface); err != nil {
		log.Fatal(err)
	}
}

func run(iface string) error {
	events, err := ebpf.NewMap(&ebpf.MapSpec{
		Name:       "events",
		Type:       ebpf.RingBuf,
		MaxEntries: 1 << 16,
	})
	if err != nil {
		return fmt.Errorf("events map: %w", err)
	}
	defer events.Close()

	counts, err := ebpf.NewMap(&ebpf.MapSpec{
		Name:       "counts",
		Type:       ebpf.Hash,
		KeySize:    4,
		ValueSize:  8,
		MaxEntries: 1024,
		Flags:      0, // preallocated
	})
	if err != nil {
		return fmt.Errorf("counts map: %w", err)
	}
	defer counts.Close()

	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Name:         "trace_openat",
		Type:         ebpf.Kprobe,
		License:      "GPL",
		Instructions: openatProbe(events),
	})
	if err != nil {
		return fmt.Errorf("loading kprobe: %w", err)
	}
	defer prog.Close()

	kp, err := link.Kprobe("do_sys_openat2", prog, nil)
	if err != nil {
		return fmt.Errorf("attaching kprobe: %w", err)
	}
	defer kp.Close()

	classifier, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Name:    "ingress",
		Type:    ebpf.SchedCLS,
		License: "GPL",
		Instructions: asm.Instructions{
			asm.Mov.Imm(asm.R0, 0), // TC_ACT_OK
			asm.Return(),
		},
	})
	if err != nil {
		return fmt.Errorf("loading classifier: %w", err)
	}
	defer classifier.Close()

	dev, err := net.InterfaceByName(iface)
	if err != nil {
		return err
	}
	tc, err := link.AttachTCX(link.TCXOptions{
		Interface: dev.Index,
		Program:   classifier,
		Attach:    ebpf.AttachTCXIngress,
	})
	if err != nil {
		return fmt.Errorf("attaching tcx: %w", err)
	}
	defer tc.Close()

	rd, err := ringbuf.NewReader(events)
	if err != nil {
		return fmt.Errorf("ring buffer reader: %w", err)
	}
	defer rd.Close()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	go func() {
		<-stop
		rd.Close()
	}()
	for {
		rec, err := rd.Read()
		if errors.Is(err, ringbuf.ErrClosed) {
			return nil
		}
		if err != nil {
			return err
		}
		pid := binary.NativeEndian.Uint32(rec.RawSample)
		var n uint64
		_ = counts.Lookup(pid, &n)
		n++
		if err := counts.Put(pid, n); err != nil {
			return err
		}
		fmt.Printf("pid %d opened a file (%d so far)\n", pid, n)
	}
}

// openatProbe sends the calling process's pid to the ring buffer.
func openatProbe(events *ebpf.Map) asm.Instructions {
	return asm.Instructions{
		asm.FnGetCurrentPidTgid.Call(),
		asm.RSh.Imm(asm.R0, 32),
		asm.StoreMem(asm.RFP, -8, asm.R0, asm.Word),
		asm.LoadMapPtr(asm.R1, events.FD()),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -8),
		asm.Mov.Imm(asm.R3, 4),
		asm.Mov.Imm(asm.R4, 0),
		asm.FnRingbufOutput.Call(),
		asm.Mov.Imm(asm.R0, 0),
		asm.Return(),
	}
}
