package kernelspec_test

import (
	"testing"

	"github.com/bpfcompat/bpfcompat/internal/cputime"
	"github.com/bpfcompat/bpfcompat/kernelspec"
	"github.com/bpfcompat/bpfcompat/specs"
)

// BenchmarkLoad measures loading and validating every spec file: go vet
// starts the tool once per package, so each pays it.
func BenchmarkLoad(b *testing.B) {
	cputime.Loop(b, func() {
		if _, err := kernelspec.Load(specs.Mainline()); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkLayout measures the attr layout query the raw bpf(2) check makes.
func BenchmarkLayout(b *testing.B) {
	db, err := kernelspec.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	k, err := db.Release(kernelspec.MustParseVersion("5.4"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		db.Layout(k, "BPF_PROG_LOAD")
	}
}
