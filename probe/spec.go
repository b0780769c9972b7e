package probe

import (
	"fmt"
	"io"
	"slices"

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
	return kernelspec.WriteKernelSpec(w, kernelspec.KernelSpecFile{
		Name:           name,
		Base:           r.Base,
		Added:          specEntries(d.OnlyProbe),
		Removed:        specEntries(d.OnlySpec),
		ProgramHelpers: r.ProgramHelpers,
	})
}

// specEntries gives each fact's feature with how the probe proved it.
func specEntries(facts []Fact) []kernelspec.SpecEntry {
	out := make([]kernelspec.SpecEntry, len(facts))
	for i, fact := range facts {
		out[i] = kernelspec.SpecEntry{Feature: fact.Feature, Source: "probe: " + fact.How}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
