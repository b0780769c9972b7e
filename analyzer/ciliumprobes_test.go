package analyzer_test

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

// TestCiliumProbeBodies runs the analyzer over cilium/ebpf's own features
// package: its probes try each feature inside functions handed to
// internal.NewFeatureTest or set as FeatureMatrix tests, and must not be
// reported for it (regression: they were, 27 times).
func TestCiliumProbeBodies(t *testing.T) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadAllSyntax, Env: append(os.Environ(), "GOFLAGS=", "GOOS=linux")},
		"github.com/cilium/ebpf/features")
	if err != nil {
		t.Fatal(err)
	}
	a := analyzer.New()
	graph, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for act := range graph.All() {
		if !act.IsRoot {
			continue
		}
		if act.Err != nil {
			t.Fatal(act.Err)
		}
		for _, d := range act.Diagnostics {
			posn := act.Package.Fset.Position(d.Pos)
			// features/prog.go's probeProgram picks an attach type per
			// program type outside the probe bodies: still reported.
			if strings.HasSuffix(posn.Filename, "features/prog.go") && posn.Line > 250 {
				continue
			}
			t.Errorf("%s: %s", posn, d.Message)
		}
	}
}
