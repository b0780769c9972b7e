package probe

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// A kernel's BTF lists every link and attach type its source knows, even
// those its configuration leaves without an implementation: kprobe_multi
// links need CONFIG_FPROBE, uprobe_multi CONFIG_UPROBES, netkit
// CONFIG_NETKIT. These probes create the link (or fail the way only a
// kernel with the link type fails), so that the spec records what works.
type linkProbe struct {
	name     string
	features []featureRef
	run      func() error
}

type featureRef struct {
	kind kernelspec.Kind
	name string
}

var linkProbes = []linkProbe{
	{"features.HaveBPFLinkKprobeMulti", []featureRef{
		{kernelspec.LinkType, "BPF_LINK_TYPE_KPROBE_MULTI"}, {kernelspec.AttachType, "BPF_TRACE_KPROBE_MULTI"},
	}, features.HaveBPFLinkKprobeMulti},
	{"features.HaveBPFLinkKprobeSession", []featureRef{
		{kernelspec.AttachType, "BPF_TRACE_KPROBE_SESSION"},
	}, features.HaveBPFLinkKprobeSession},
	{"features.HaveBPFLinkUprobeMulti", []featureRef{
		{kernelspec.LinkType, "BPF_LINK_TYPE_UPROBE_MULTI"}, {kernelspec.AttachType, "BPF_TRACE_UPROBE_MULTI"},
	}, features.HaveBPFLinkUprobeMulti},
	{"link.AttachTCX to an interface that does not exist", []featureRef{
		{kernelspec.LinkType, "BPF_LINK_TYPE_TCX"}, {kernelspec.AttachType, "BPF_TCX_INGRESS"}, {kernelspec.AttachType, "BPF_TCX_EGRESS"},
	}, func() error {
		return attachMissingInterface(func(prog *ebpf.Program, ifindex int) (link.Link, error) {
			return link.AttachTCX(link.TCXOptions{Interface: ifindex, Program: prog, Attach: ebpf.AttachTCXIngress})
		})
	}},
	{"link.AttachNetkit to an interface that does not exist", []featureRef{
		{kernelspec.LinkType, "BPF_LINK_TYPE_NETKIT"}, {kernelspec.AttachType, "BPF_NETKIT_PRIMARY"}, {kernelspec.AttachType, "BPF_NETKIT_PEER"},
	}, func() error {
		return attachMissingInterface(func(prog *ebpf.Program, ifindex int) (link.Link, error) {
			return link.AttachNetkit(link.NetkitOptions{Interface: ifindex, Program: prog, Attach: ebpf.AttachNetkitPrimary})
		})
	}},
}

// attachMissingInterface attaches a tc program to an interface index no
// interface has: a kernel with the link type looks the interface up and
// fails with ENODEV; one without it rejects the attach type first.
func attachMissingInterface(attach func(*ebpf.Program, int) (link.Link, error)) error {
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type: ebpf.SchedCLS, License: "MIT",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
	})
	if err != nil {
		return fmt.Errorf("%w: no tc programs (%v)", ebpf.ErrNotSupported, err)
	}
	defer prog.Close()
	l, err := attach(prog, 0x7fffffff)
	switch {
	case err == nil:
		l.Close()
		return errors.New("attached to an interface that does not exist")
	case errors.Is(err, unix.ENODEV):
		return nil
	case errors.Is(err, ebpf.ErrNotSupported), errors.Is(err, unix.EINVAL):
		return fmt.Errorf("%w: %v", ebpf.ErrNotSupported, err)
	}
	return err
}

// probeLinks runs the link probes for the features the kernel's BTF
// lists. A probe that fails with an error other than "not supported"
// decides nothing, and the BTF's answer stands, marked as unconfirmed.
func (r *Result) probeLinks(db *kernelspec.DB) {
	for _, p := range linkProbes {
		var facts []*Fact
		for _, ref := range p.features {
			if fact := r.fact(db.Lookup(ref.kind, ref.name)); fact != nil && fact.Present {
				facts = append(facts, fact)
			}
		}
		if len(facts) == 0 {
			continue
		}
		err := p.run()
		for _, fact := range facts {
			switch {
			case err == nil:
				fact.How += "; " + p.name + " succeeded"
				fact.Confirmed = true
			case errors.Is(err, ebpf.ErrNotSupported):
				fact.Present, fact.ConfiguredOut = false, true
				fact.How = fmt.Sprintf("%s: %v, although the kernel's BTF lists %s: configured out", p.name, err, fact.Feature.Name)
			default:
				fact.How += fmt.Sprintf("; %s could not tell (%v)", p.name, err)
			}
		}
	}
}

// fact returns the fact about f, if the probe has one.
func (r *Result) fact(f *kernelspec.Feature) *Fact {
	if f == nil {
		return nil
	}
	for i := range r.Facts {
		if r.Facts[i].Feature == f {
			return &r.Facts[i]
		}
	}
	return nil
}
