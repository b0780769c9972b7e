package analyzer_test

import (
	"os"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/bpfcompat/bpfcompat/analyzer"
	"github.com/bpfcompat/bpfcompat/bench/noop"
	"github.com/bpfcompat/bpfcompat/internal/cputime"
	"github.com/bpfcompat/bpfcompat/kernelspec"
	"github.com/bpfcompat/bpfcompat/specs"
)

// BenchmarkAnalyze runs bpfcompat and the no-op analyzer (with a fact
// type, so that both analyze every dependency) over cilium/ebpf's
// packages, loaded once: the difference is bpfcompat's own work. Each
// analyzer is built and run once before the timer starts, so that what is
// measured is the analysis alone, not loading the specs and the API map
// (BenchmarkSetup).
func BenchmarkAnalyze(b *testing.B) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadAllSyntax, Env: append(os.Environ(), "GOFLAGS=")},
		"github.com/cilium/ebpf/...")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		a    *analysis.Analyzer
	}{
		{"noop", noop.WithFacts},
		{"bpfcompat", analyzer.New()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			analyze := func() {
				if _, err := checker.Analyze([]*analysis.Analyzer{bc.a}, pkgs, nil); err != nil {
					b.Fatal(err)
				}
			}
			analyze() // the analyzer's one-time setup
			cputime.Loop(b, analyze)
		})
	}
}

// BenchmarkSetup measures what a process pays before bpfcompat analyzes
// its first relevant package: loading and validating the kernel specs,
// and parsing and resolving the API map. go vet starts a process per
// package, so each relevant package pays it.
func BenchmarkSetup(b *testing.B) {
	cputime.Loop(b, func() {
		db, err := kernelspec.Load(specs.Mainline())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := analyzer.LoadAPIMap(specs.API(), db); err != nil {
			b.Fatal(err)
		}
	})
}
