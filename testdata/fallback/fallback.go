// Package fallback tries a feature and falls back when the kernel lacks it.
package fallback

import (
	"errors"
	"fmt"
	"log"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// tcx failed: attach with the older mechanism instead.
func attach(prog *ebpf.Program, ifindex int) (link.Link, error) {
	l, err := link.AttachTCX(link.TCXOptions{Interface: ifindex, Program: prog, Attach: ebpf.AttachTCXIngress})
	if errors.Is(err, ebpf.ErrNotSupported) {
		return attachClassicTC(prog, ifindex)
	}
	return l, err
}

func attachClassicTC(prog *ebpf.Program, ifindex int) (link.Link, error) { return nil, nil }

// fentry failed: attach a kprobe.
func trace(fentry, kprobe *ebpf.Program) (link.Link, error) {
	l, err := link.AttachTracing(link.TracingOptions{Program: fentry})
	if err != nil {
		l, err = link.Kprobe("do_sys_openat2", kprobe, nil)
	}
	return l, err
}

func traceInit(fentry *ebpf.Program) link.Link {
	if l, err := link.AttachTracing(link.TracingOptions{Program: fentry}); err == nil {
		return l
	} else {
		log.Printf("no trampolines (%v): running without fentry", err)
	}
	return nil
}

// Returning or wrapping the error hands the failure on: no fallback.
func wrapped(fentry *ebpf.Program) (link.Link, error) {
	l, err := link.AttachTracing(link.TracingOptions{Program: fentry}) // want `trampolines requires Linux 5.5`
	if err != nil {
		return nil, fmt.Errorf("fentry: %w", err)
	}
	return l, nil
}

func returned(fentry *ebpf.Program) (link.Link, error) {
	l, err := link.AttachTracing(link.TracingOptions{Program: fentry}) // want `trampolines requires Linux 5.5`
	if errors.Is(err, ebpf.ErrNotSupported) {
		return nil, err
	}
	return l, err
}

func fatal(fentry *ebpf.Program) link.Link {
	l, err := link.AttachTracing(link.TracingOptions{Program: fentry}) // want `trampolines requires Linux 5.5`
	if err != nil {
		log.Fatal(err)
	}
	return l
}

func unchecked(fentry *ebpf.Program) link.Link {
	l, _ := link.AttachTracing(link.TracingOptions{Program: fentry}) // want `trampolines requires Linux 5.5`
	return l
}

// Raw bpf(2): a command the kernel rejects with EINVAL, then the older one.
type linkCreateAttr struct{ ProgFd, TargetFd, AttachType, Flags uint32 }

func attachCgroup(prog, cgroup uint32) error {
	attr := linkCreateAttr{ProgFd: prog, TargetFd: cgroup}
	_, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_LINK_CREATE, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno == unix.EINVAL {
		_, _, errno = unix.Syscall(unix.SYS_BPF, unix.BPF_PROG_ATTACH, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	}
	if errno != 0 {
		return errno
	}
	return nil
}

func attachCgroupNoFallback(prog, cgroup uint32) error { // want attachCgroupNoFallback:"checks BPF_LINK_CREATE when true or nil"
	attr := linkCreateAttr{ProgFd: prog, TargetFd: cgroup}
	_, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_LINK_CREATE, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr)) // want `BPF_LINK_CREATE requires Linux 5.7`
	if errno != 0 {
		return errno
	}
	return nil
}

// A success that leaves, then tests that hand on only other errors, then
// the older way: link/tracing.go's attachBTFID.
func attachBTF(fentry *ebpf.Program, kind int) (link.Link, error) {
	var l link.Link
	var err error
	switch kind {
	case 1:
		l, err = link.AttachTracing(link.TracingOptions{Program: fentry})
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EINVAL) && !errors.Is(err, ebpf.ErrNotSupported) {
			return nil, fmt.Errorf("fentry: %w", err)
		}
		fallthrough
	case 2:
		l, err = link.AttachRawTracepoint(link.RawTracepointOptions{Name: "sys_enter", Program: fentry})
	}
	return l, err
}

// A success that leaves, then a test for another error that gives up: no
// other way is taken.
func attachOrExplain(fentry *ebpf.Program) (link.Link, error) {
	l, err := link.AttachTracing(link.TracingOptions{Program: fentry}) // want `trampolines requires Linux 5.5`
	if err == nil {
		return l, nil
	}
	if errors.Is(err, unix.ESRCH) {
		return nil, fmt.Errorf("no such function")
	}
	return nil, err
}

func attachThenUnsupported(fentry, kprobe *ebpf.Program) (link.Link, error) {
	l, err := link.AttachTracing(link.TracingOptions{Program: fentry})
	if err == nil {
		return l, nil
	}
	if errors.Is(err, ebpf.ErrNotSupported) {
		return link.Kprobe("do_sys_openat2", kprobe, nil)
	}
	return nil, err
}

// The error checked after the if/else that made it, letting a
// not-supported one through: collection.go's loadVariable.
func memory(m *ebpf.Map, unsafeMem bool) (*ebpf.Memory, error) {
	var mm *ebpf.Memory
	var err error
	if unsafeMem {
		mm, err = m.Memory()
	} else {
		mm, err = m.Memory()
	}
	if err != nil && !errors.Is(err, ebpf.ErrNotSupported) {
		return nil, err
	}
	return mm, nil
}

func memoryOrFail(m *ebpf.Map, unsafeMem bool) (*ebpf.Memory, error) {
	var mm *ebpf.Memory
	var err error
	if unsafeMem {
		mm, err = m.Memory() // want `mmapable_maps requires Linux 5.5`
	}
	if err != nil {
		return nil, err
	}
	return mm, nil
}

// Giving up with an error of its own is no other way either.
func explained(fentry *ebpf.Program) (link.Link, error) {
	l, err := link.AttachTracing(link.TracingOptions{Program: fentry}) // want `trampolines requires Linux 5.5`
	if errors.Is(err, unix.EINVAL) {
		return nil, fmt.Errorf("no trampolines: %w", ebpf.ErrNotSupported)
	}
	return l, err
}

func notSupported(fentry *ebpf.Program) (link.Link, error) {
	l, err := link.AttachTracing(link.TracingOptions{Program: fentry}) // want `trampolines requires Linux 5.5`
	if errors.Is(err, unix.EINVAL) {
		return nil, ebpf.ErrNotSupported
	}
	return l, err
}

// One of several errors that all go on: internal/sys's findToken.
func firstTraced(progs []*ebpf.Program) link.Link {
	for _, p := range progs {
		l, err := link.AttachTracing(link.TracingOptions{Program: p})
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EINVAL) {
			continue
		}
		if err == nil {
			return l
		}
	}
	return nil
}

func firstTracedOrFail(progs []*ebpf.Program) (link.Link, error) {
	for _, p := range progs {
		l, err := link.AttachTracing(link.TracingOptions{Program: p}) // want `trampolines requires Linux 5.5`
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.ENOENT) {
			continue
		}
		return l, err
	}
	return nil, nil
}

// package link exports the same error under its own name.
func attachLinkErr(prog *ebpf.Program, ifindex int) (link.Link, error) {
	l, err := link.AttachTCX(link.TCXOptions{Interface: ifindex, Program: prog, Attach: ebpf.AttachTCXIngress})
	if errors.Is(err, link.ErrNotSupported) {
		return attachClassicTC(prog, ifindex)
	}
	return l, err
}

// Inside the failure branch: hand on other errors, then go on another way,
// whose own failure is returned (ebpf-manager's attachXDP).
func attachXDPOrNetlink(prog *ebpf.Program, ifindex int) (link.Link, error) {
	l, err := link.AttachXDP(link.XDPOptions{Program: prog, Interface: ifindex})
	if err != nil {
		if !errors.Is(err, link.ErrNotSupported) {
			return nil, fmt.Errorf("link xdp: %w", err)
		}
		err = attachNetlink(prog, ifindex)
		if err != nil {
			return nil, fmt.Errorf("netlink xdp: %w", err)
		}
	}
	return l, nil
}

func attachNetlinkOr(prog *ebpf.Program, ifindex int) (link.Link, error) {
	l, err := link.AttachXDP(link.XDPOptions{Program: prog, Interface: ifindex})
	if errors.Is(err, link.ErrNotSupported) {
		if err2 := attachNetlink(prog, ifindex); err2 != nil {
			return nil, fmt.Errorf("netlink xdp: %w", err2)
		}
		return nil, nil
	}
	return l, err
}

func attachNetlink(prog *ebpf.Program, ifindex int) error { return nil }

// Logging first still hands the error on.
func attachLogged(prog *ebpf.Program, ifindex int) (link.Link, error) {
	l, err := link.AttachXDP(link.XDPOptions{Program: prog, Interface: ifindex}) // want `BPF_LINK_TYPE_XDP requires Linux 5.9`
	if err != nil {
		log.Printf("xdp: %v", err)
		return nil, err
	}
	return l, nil
}
