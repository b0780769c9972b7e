package probe

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// Diff is how the probed kernel differs from the mainline release it is
// based on, per kind.
type Diff struct {
	Agree     map[kernelspec.Kind]int
	OnlyProbe []Fact // the kernel has it, the base release does not
	OnlySpec  []Fact // the base release has it, the kernel does not
}

// Compare holds the probe's facts against mainline release base.
func (r *Result) Compare(db *kernelspec.DB, base kernelspec.Version) (*Diff, error) {
	k, err := db.Release(base)
	if err != nil {
		return nil, err
	}
	d := &Diff{Agree: map[kernelspec.Kind]int{}}
	for _, fact := range r.Facts {
		inSpec := k.Has(fact.Feature)
		switch {
		case inSpec == fact.Present:
			d.Agree[fact.Feature.Kind]++
		case fact.Present:
			d.OnlyProbe = append(d.OnlyProbe, fact)
		default:
			d.OnlySpec = append(d.OnlySpec, fact)
		}
	}
	return d, nil
}

// WriteSpec writes the kernel spec of the probed kernel: its base release,
// what it has beyond it and what it lacks, each with how it was proven.
// The result loads with kernelspec's DB.ParseKernelSpec.
func (r *Result) WriteSpec(w io.Writer, db *kernelspec.DB, name string) error {
	d, err := r.Compare(db, r.Base)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "# Kernel spec written by `bpfcompat-vet probe` on %s.\n", r.Release)
	fmt.Fprintf(w, "# Use it as a target: -kernel=%s.yaml\n", name)
	fmt.Fprintf(w, "name: %s\nbase: %q\n", name, r.Base.String())
	writeSection(w, "added", d.OnlyProbe)
	writeSection(w, "removed", d.OnlySpec)
	if len(r.ProgramHelpers) > 0 {
		fmt.Fprintf(w, "# The helpers a program of each type may call (features.HaveProgramHelper).\nprogram_helpers:\n")
		for _, pt := range sortedKeys(r.ProgramHelpers) {
			helpers := slices.Sorted(slices.Values(r.ProgramHelpers[pt]))
			fmt.Fprintf(w, "  %s: [%s]\n", pt, strings.Join(helpers, ", "))
		}
	}
	return nil
}

func writeSection(w io.Writer, key string, facts []Fact) {
	if len(facts) == 0 {
		return
	}
	fmt.Fprintf(w, "%s:\n", key)
	var last kernelspec.Kind
	for _, fact := range facts {
		f := fact.Feature
		if f.Kind != last {
			fmt.Fprintf(w, "  %s:\n", sectionKey(f.Kind))
			last = f.Kind
		}
		name := f.Name
		if f.Kind == kernelspec.AttrField {
			name = f.Field
		}
		fmt.Fprintf(w, "    - name: %s\n", name)
		if f.Kind == kernelspec.AttrField {
			fmt.Fprintf(w, "      commands: [%s]\n", f.Command)
		}
		fmt.Fprintf(w, "      source: %s\n", strconv.Quote("probe: "+fact.How))
	}
}

func sectionKey(k kernelspec.Kind) string {
	switch k {
	case kernelspec.Capability:
		return "capabilities"
	}
	return strings.TrimSuffix(k.String(), "s") + "s"
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
