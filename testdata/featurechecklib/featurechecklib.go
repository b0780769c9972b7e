// Package featurechecklib probes netkit the way projects do: it attaches // want package:"exports bpf\\(2\\) wrappers or requirements"
// to an interface index no device has and takes ENODEV, which only a
// kernel with netkit returns (the API map's feature_errors), as "netkit
// is there". A nil or true result reached only after that error, or after
// the attach succeeded, proves netkit: each such function is a check, and
// its own attach is the probe, not a use. Nil after any error, after an
// errno any kernel returns, or without the attach at all, proves nothing.
package featurechecklib

import (
	"errors"
	"fmt"
	"math"
	"os"
	"sync"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// HaveNetkit is cilium's shape: sync.OnceValue around a callback whose
// error it returns; ENODEV is yes, any other error the answer, and a
// success unexpected.
var HaveNetkit = sync.OnceValue(func() error { // want HaveNetkit:"checks BPF_LINK_TYPE_NETKIT, BPF_NETKIT_PEER, BPF_NETKIT_PRIMARY when true or nil"
	prog, err := newProgram()
	if err != nil {
		return err
	}
	defer prog.Close()
	return inNamespace(func() error {
		l, err := link.AttachNetkit(link.NetkitOptions{
			Program:   prog,
			Attach:    ebpf.AttachNetkitPrimary,
			Interface: math.MaxInt,
		})
		if errors.Is(err, unix.ENODEV) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("creating link: %w", err)
		}
		if err := l.Close(); err != nil {
			return fmt.Errorf("closing link: %w", err)
		}
		return errors.New("unexpected success")
	})
})

// HaveNetkitAnswer tells "no" from "could not tell", with
// sync.OnceValues: true after ENODEV or a working attach, which proves
// only the link type (the attach type is not read from the options).
var HaveNetkitAnswer = sync.OnceValues(func() (bool, error) { // want HaveNetkitAnswer:"checks BPF_LINK_TYPE_NETKIT when true or nil"
	l, err := link.AttachNetkit(link.NetkitOptions{Attach: ebpf.AttachNetkitPrimary, Interface: math.MaxInt})
	switch {
	case errors.Is(err, unix.ENODEV):
		return true, nil
	case errors.Is(err, ebpf.ErrNotSupported):
		return false, nil
	case err != nil:
		return false, err
	}
	l.Close()
	return true, nil
})

// ProbeNetkit is the same probe, not memoized: a function is a check by
// what its result follows, however it is kept. Its nil comes only from
// ENODEV, and a working attach gives an error made on the spot: the
// attach did no work its callers could rely on, so it is the probe
// (ownprobes.go), neither reported here nor passed on.
func ProbeNetkit() error { // want ProbeNetkit:"checks BPF_LINK_TYPE_NETKIT, BPF_NETKIT_PEER, BPF_NETKIT_PRIMARY when true or nil"
	_, err := link.AttachNetkit(link.NetkitOptions{Attach: ebpf.AttachNetkitPrimary, Interface: math.MaxInt})
	if errors.Is(err, unix.ENODEV) {
		return nil
	}
	return fmt.Errorf("netkit: %w", err)
}

// NetkitAttachable's result is the test of the error itself: a bool built
// from the error is the probe's answer, not the error handed on, so its
// attach is its probe, neither reported here nor passed on.
func NetkitAttachable() bool { // want NetkitAttachable:"checks BPF_LINK_TYPE_NETKIT, BPF_NETKIT_PEER, BPF_NETKIT_PRIMARY when true or nil"
	_, err := link.AttachNetkit(link.NetkitOptions{Attach: ebpf.AttachNetkitPrimary, Interface: math.MaxInt})
	return errors.Is(err, unix.ENODEV)
}

var netkit struct {
	once sync.Once
	ok   bool
}

// HasNetkit keeps the answer in a field a package-level sync.Once fills.
// (Its attach is reported where it is, as NetkitAttachable's.)
func HasNetkit() bool { // want HasNetkit:"checks BPF_LINK_TYPE_NETKIT, BPF_NETKIT_PEER, BPF_NETKIT_PRIMARY when true or nil"
	netkit.once.Do(func() {
		_, err := link.AttachNetkit(link.NetkitOptions{Attach: ebpf.AttachNetkitPrimary, Interface: math.MaxInt}) // want `BPF_LINK_TYPE_NETKIT requires Linux 6.7` `BPF_NETKIT_PRIMARY requires Linux 6.7`
		netkit.ok = errors.Is(err, unix.ENODEV)
	})
	return netkit.ok
}

// Twins: none of these is a check, so each attach is a use of its own.

// HaveNetkitSwallowed returns nil after any error: a kernel without
// netkit gets there too. (Its attach is not reported: returning nil on
// any error is falling back, fallback.go; its callers' uses are.)
var HaveNetkitSwallowed = sync.OnceValue(func() error {
	l, err := link.AttachNetkit(link.NetkitOptions{Attach: ebpf.AttachNetkitPrimary, Interface: math.MaxInt})
	if err != nil {
		return nil
	}
	return l.Close()
})

// HaveNetkitEPERM takes an errno any kernel returns as yes.
var HaveNetkitEPERM = sync.OnceValue(func() error {
	_, err := link.AttachNetkit(link.NetkitOptions{Attach: ebpf.AttachNetkitPrimary, Interface: math.MaxInt}) // want `BPF_LINK_TYPE_NETKIT requires Linux 6.7` `BPF_NETKIT_PRIMARY requires Linux 6.7`
	if errors.Is(err, unix.EPERM) {
		return nil
	}
	return fmt.Errorf("netkit: %w", err)
})

// HaveNetkitForced can say yes without attaching at all.
var HaveNetkitForced = sync.OnceValues(func() (bool, error) {
	if len(os.Args) > 5 {
		return true, nil
	}
	_, err := link.AttachNetkit(link.NetkitOptions{Attach: ebpf.AttachNetkitPrimary, Interface: math.MaxInt}) // want `BPF_LINK_TYPE_NETKIT requires Linux 6.7` `BPF_NETKIT_PRIMARY requires Linux 6.7`
	if errors.Is(err, unix.ENODEV) {
		return true, nil
	}
	return false, err
})

// NetkitAnswer is ProbeNetkit with HaveNetkitAnswer's results: true only
// on ENODEV, false after a working attach.
func NetkitAnswer() (bool, error) { // want NetkitAnswer:"checks BPF_LINK_TYPE_NETKIT, BPF_NETKIT_PEER, BPF_NETKIT_PRIMARY when true or nil"
	_, err := link.AttachNetkit(link.NetkitOptions{Attach: ebpf.AttachNetkitPrimary, Interface: math.MaxInt})
	switch {
	case errors.Is(err, unix.ENODEV):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("netkit: %w", err)
	}
	return false, errors.New("unexpected success")
}

// AttachNetkitPrimary is ProbeNetkit's twin that works: nil after the
// attach succeeded is the job done, not an answer, so it passes its
// requirement to its callers, whatever it makes of ENODEV.
func AttachNetkitPrimary() error { // want AttachNetkitPrimary:"checks BPF_LINK_TYPE_NETKIT when true or nil" AttachNetkitPrimary:"requires BPF_LINK_TYPE_NETKIT, BPF_NETKIT_PRIMARY \\(via link.AttachNetkit\\)"
	_, err := link.AttachNetkit(link.NetkitOptions{Attach: ebpf.AttachNetkitPrimary, Interface: math.MaxInt})
	if errors.Is(err, unix.ENODEV) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("netkit: %w", err)
	}
	return nil
}

// ProbeNetkitOtherCall takes ENODEV from a call that says nothing of
// netkit as yes.
func ProbeNetkitOtherCall() error { // want ProbeNetkitOtherCall:"requires BPF_MAP_TYPE_HASH"
	_, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1})
	if errors.Is(err, unix.ENODEV) {
		return nil
	}
	return fmt.Errorf("netkit: %w", err)
}

// inNamespace runs f and returns its error, as netns.Do does.
func inNamespace(f func() error) error { return f() }

func newProgram() (*ebpf.Program, error) {
	return ebpf.NewProgram(&ebpf.ProgramSpec{Type: ebpf.SchedCLS})
}
