package apimap_test

import (
	"testing"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
	"github.com/bpfcompat/bpfcompat/internal/cputime"
	"github.com/bpfcompat/bpfcompat/kernelspec"
	"github.com/bpfcompat/bpfcompat/specs"
)

// BenchmarkParse measures reading the API map files, which every process
// does for the fast path's index.
func BenchmarkParse(b *testing.B) {
	cputime.Loop(b, func() {
		if _, err := apimap.Parse(specs.API()); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkResolve measures checking the parsed files against the kernel
// specs, which a process does once it analyzes a relevant package.
func BenchmarkResolve(b *testing.B) {
	db, err := kernelspec.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	files, err := apimap.Parse(specs.API())
	if err != nil {
		b.Fatal(err)
	}
	cputime.Loop(b, func() {
		if _, err := files.Resolve(db); err != nil {
			b.Fatal(err)
		}
	})
}
