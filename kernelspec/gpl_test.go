package kernelspec_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// gplProbeTypes are program types a helper is tried from, with the attach
// type the kernel demands at load; tracing and LSM programs need a BTF
// target and are left out.
var gplProbeTypes = []struct {
	typ    ebpf.ProgramType
	attach ebpf.AttachType
}{
	{ebpf.Kprobe, ebpf.AttachNone}, {ebpf.SocketFilter, ebpf.AttachNone}, {ebpf.SchedCLS, ebpf.AttachNone},
	{ebpf.XDP, ebpf.AttachNone}, {ebpf.CGroupSKB, ebpf.AttachNone}, {ebpf.CGroupSock, ebpf.AttachNone},
	{ebpf.CGroupSockAddr, ebpf.AttachCGroupInet4Connect}, {ebpf.SockOps, ebpf.AttachNone},
	{ebpf.SkSKB, ebpf.AttachNone}, {ebpf.SkMsg, ebpf.AttachNone}, {ebpf.RawTracepoint, ebpf.AttachNone},
	{ebpf.PerfEvent, ebpf.AttachNone}, {ebpf.LWTXmit, ebpf.AttachNone}, {ebpf.LWTSeg6Local, ebpf.AttachNone},
	{ebpf.CGroupSysctl, ebpf.AttachNone}, {ebpf.CGroupSockopt, ebpf.AttachCGroupGetsockopt},
	{ebpf.SkLookup, ebpf.AttachSkLookup}, {ebpf.FlowDissector, ebpf.AttachNone},
	{ebpf.SkReuseport, ebpf.AttachNone}, {ebpf.CGroupDevice, ebpf.AttachNone}, {ebpf.Syscall, ebpf.AttachNone},
}

// gplOnly asks the running kernel's verifier whether helper is GPL-only: it
// loads a call to it under a non-GPL license from the first program type
// that may call it. The verifier checks the license before the arguments.
func gplOnly(t *testing.T, helper asm.BuiltinFunc) (gpl, found bool) {
	for _, pt := range gplProbeTypes {
		spec := &ebpf.ProgramSpec{
			Type:         pt.typ,
			AttachType:   pt.attach,
			Instructions: asm.Instructions{helper.Call(), asm.LoadImm(asm.R0, 0, asm.DWord), asm.Return()},
			License:      "Proprietary",
		}
		if pt.typ == ebpf.Syscall {
			spec.Flags = 1 << 4 // BPF_F_SLEEPABLE
		}
		prog, err := ebpf.NewProgramWithOptions(spec, ebpf.ProgramOptions{LogLevel: ebpf.LogLevelBranch})
		if err == nil {
			prog.Close()
			return false, true
		}
		var verr *ebpf.VerifierError
		if !errors.As(err, &verr) {
			if errors.Is(err, os.ErrPermission) {
				t.Skipf("cannot load programs: %v", err)
			}
			continue
		}
		msg := strings.Join(verr.Log, "\n")
		switch {
		case strings.Contains(msg, "cannot call GPL-restricted function"):
			return true, true
		case strings.Contains(msg, "invalid func"), strings.Contains(msg, "unknown func"),
			strings.Contains(msg, "program of this type cannot use helper"):
			continue // not from this program type
		default:
			return false, true // the verifier got past the license to the arguments
		}
	}
	return false, false
}

// TestGPLHelpersRunningKernel checks every helper's gpl_only mark against
// the running kernel's verifier.
func TestGPLHelpersRunningKernel(t *testing.T) {
	_, v, release := runningKernel(t)
	db := mustDB(t)
	k, err := db.Release(v)
	if err != nil {
		t.Skipf("running kernel %s: %v", release, err)
	}
	checked := 0
	for _, h := range db.Features(kernelspec.Helper) {
		if !k.Has(h) || h.Value == 0 || h.AliasOf != "" {
			continue
		}
		gpl, found := gplOnly(t, asm.BuiltinFunc(h.Value))
		if !found {
			continue
		}
		checked++
		if gpl != h.GPLOnly {
			t.Errorf("%s (%s): gpl_only is %v, but %s's verifier says %v", h.Name, h.Introduced().Position(), h.GPLOnly, release, gpl)
		}
	}
	if checked == 0 {
		t.Skip("no helper could be loaded from any program type")
	}
	t.Logf("%d helpers' licenses checked against %s", checked, release)
}
