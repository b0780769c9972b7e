package probe

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// TestProbeRunningKernel probes this machine's kernel for real and compares
// it with our spec of its release, both ways, feature by feature. Every
// disagreement is a bug in the data or the probe — except what the kernel
// was built without, which a kernel spec records as removed.
func TestProbeRunningKernel(t *testing.T) {
	db, err := kernelspec.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(db)
	if errors.Is(err, ErrNoBPF) || err != nil && strings.Contains(err.Error(), "no BTF") {
		t.Skipf("cannot probe this kernel: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CheckRelease(r.Base); err != nil {
		t.Skipf("the kernel (%s) is not a release the specs cover: %v", r.Release, err)
	}
	d, err := r.Compare(db, r.Base)
	if err != nil {
		t.Fatal(err)
	}
	onlyProbe, onlySpec := map[kernelspec.Kind]int{}, map[kernelspec.Kind]int{}
	for _, f := range d.OnlyProbe {
		onlyProbe[f.Feature.Kind]++
		t.Errorf("only in the probe: %s (%s) — %s", f.Feature.Name, f.Feature.Kind, f.How)
	}
	for _, f := range d.OnlySpec {
		onlySpec[f.Feature.Kind]++
		if strings.Contains(f.How, "configured out") {
			t.Logf("configured out on this kernel: %s — %s", f.Feature.Name, f.How)
			continue
		}
		t.Errorf("only in specs/%s.yaml and earlier: %s (%s) — %s", r.Base, f.Feature.Name, f.Feature.Kind, f.How)
	}
	var table strings.Builder
	fmt.Fprintf(&table, "probe of %s against specs up to %s (union bpf_attr %d bytes):\n", r.Release, r.Base, r.UnionSize)
	for _, k := range kernelspec.Kinds {
		fmt.Fprintf(&table, "  %-13s agree %4d   only in probe %3d   only in spec %3d\n", k, d.Agree[k], onlyProbe[k], onlySpec[k])
	}
	t.Log(table.String())

	// The spec it writes loads as a target, and its kernel has what the
	// probe found.
	var buf bytes.Buffer
	if err := r.WriteSpec(&buf, db, "host"); err != nil {
		t.Fatal(err)
	}
	k, err := db.ParseKernelSpec("host.yaml", buf.Bytes())
	if err != nil {
		t.Fatalf("the written spec does not load: %v\n%s", err, buf.String())
	}
	for _, f := range r.Facts {
		if k.Has(f.Feature) != f.Present {
			t.Errorf("written spec: %s has=%v, probe found %v", f.Feature.Name, k.Has(f.Feature), f.Present)
		}
	}
	if len(r.ProgramHelpers) == 0 {
		t.Error("the probe found no helper callable from any program type")
	}
	for pt, helpers := range r.ProgramHelpers {
		for _, h := range helpers {
			callable, known := k.ProgramHelper(db.Lookup(kernelspec.ProgramType, pt), db.Lookup(kernelspec.Helper, h))
			if !callable || !known {
				t.Errorf("written spec: %s from %s: callable %v, known %v; the probe found it callable", h, pt, callable, known)
			}
		}
	}
	// A helper the data says a program type gained later than either part
	// (a helper call) is one the probe found callable from it, when the
	// release has the pair and the probe could ask about the program type.
	base, err := db.Release(r.Base)
	if err != nil {
		t.Fatal(err)
	}
	pairs := 0
	for _, f := range db.Features(kernelspec.HelperCall) {
		helpers, asked := r.ProgramHelpers[f.Within]
		if !asked || !base.Has(f) {
			continue
		}
		pairs++
		if !slices.Contains(helpers, f.Member) {
			t.Errorf("helper call %s: the data dates it %s (%s); the probe found %s not callable from %s", f.Name, f.Since(), f.Introduced().Position(), f.Member, f.Within)
		}
	}
	t.Logf("%d helper calls of %s confirmed by the probe", pairs, r.Base)
	xdp, ktime := db.Lookup(kernelspec.ProgramType, "BPF_PROG_TYPE_XDP"), db.Lookup(kernelspec.Helper, "bpf_override_return")
	if callable, known := k.ProgramHelper(xdp, ktime); callable || !known {
		t.Errorf("written spec: bpf_override_return from XDP: callable %v, known %v", callable, known)
	}
}
