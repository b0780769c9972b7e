package analyzer_test

import (
	"os"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/bpfcompat/bpfcompat/analyzer"
	"github.com/bpfcompat/bpfcompat/bench/noop"
)

// BenchmarkAnalyze runs bpfcompat and the no-op analyzer (with a fact
// type, so that both analyze every dependency) over cilium/ebpf's
// packages, loaded once: the difference is bpfcompat's own work.
func BenchmarkAnalyze(b *testing.B) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadAllSyntax, Env: append(os.Environ(), "GOFLAGS=")},
		"github.com/cilium/ebpf/...")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		new  func() *analysis.Analyzer
	}{
		{"noop", func() *analysis.Analyzer { return noop.WithFacts }},
		{"bpfcompat", analyzer.New},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := checker.Analyze([]*analysis.Analyzer{bc.new()}, pkgs, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
