package kernelspec_test

import (
	"errors"
	"os"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// TestHelperCallsRunningKernel asks the running kernel, through cilium/ebpf's
// features.HaveProgramHelper, about every helper call the data records: a
// pair the data says the kernel's release has must be callable, one it
// says the release lacks must not be.
func TestHelperCallsRunningKernel(t *testing.T) {
	_, v, release := runningKernel(t)
	db := mustDB(t)
	calls := db.Features(kernelspec.HelperCall)
	if len(calls) == 0 {
		t.Fatal("the data records no helper calls")
	}
	k, err := db.Release(v)
	if err != nil {
		t.Skipf("running kernel %s: %v", release, err)
	}
	checked := 0
	for _, f := range calls {
		pt := db.Lookup(kernelspec.ProgramType, f.Within)
		h := db.Lookup(kernelspec.Helper, f.Member)
		if err := probeable(ebpf.ProgramType(pt.Value)); err != nil {
			t.Logf("%s: not asked: %v", f.Name, err)
			continue
		}
		err := features.HaveProgramHelper(ebpf.ProgramType(pt.Value), asm.BuiltinFunc(h.Value))
		if errors.Is(err, os.ErrPermission) {
			t.Skipf("cannot load programs: %v", err)
		}
		checked++
		switch want := k.Has(f); {
		case want && err != nil:
			t.Errorf("%s: the data dates it %s (%s), but %s says: %v", f.Name, f.Since(), f.Introduced().Position(), release, err)
		case !want && !errors.Is(err, ebpf.ErrNotSupported):
			t.Errorf("%s: the data dates it %s (%s), after %s, which answers %v", f.Name, f.Since(), f.Introduced().Position(), release, err)
		}
	}
	t.Logf("%d of %d helper calls checked against %s", checked, len(calls), release)
	if checked == 0 {
		t.Error("no helper call could be asked about")
	}
}

// probeable reports why features.HaveProgramHelper cannot answer for a
// program type (it has no probe for those that need an attach target, such
// as tracing, LSM and struct_ops programs): it then fails even for
// bpf_map_lookup_elem, which every program type may call, with an error
// other than ebpf.ErrNotSupported.
func probeable(pt ebpf.ProgramType) error {
	err := features.HaveProgramHelper(pt, asm.FnMapLookupElem)
	if err == nil || errors.Is(err, ebpf.ErrNotSupported) || errors.Is(err, os.ErrPermission) {
		return nil
	}
	return err
}
