package main

import (
	"fmt"
	"go/types"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/objectpath"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

// TestFastLoadAgrees checks that loading from source only the packages
// that can carry a fact gives the same diagnostics, facts and errors as
// loading everything from source, on every testdata package and on
// cilium/ebpf itself (the largest body of facts: its wrappers, probes and
// requirements).
func TestFastLoadAgrees(t *testing.T) {
	dir, err := filepath.Abs("../../testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pattern string
		tests   bool
	}{
		{"./...", true},
		// Without its tests, whose dependencies double the load and carry
		// no facts of their own.
		{"github.com/cilium/ebpf/...", false},
	} {
		t.Run(tc.pattern, func(t *testing.T) {
			t.Parallel()
			patterns := []string{tc.pattern}
			full := outcome(t, loadFull, dir, tc.tests, patterns)
			fast := outcome(t, loadFast, dir, tc.tests, patterns)
			if len(full.facts) == 0 || len(full.diags) == 0 && tc.pattern == "./..." {
				t.Fatalf("nothing to compare: %d facts, %d diagnostics", len(full.facts), len(full.diags))
			}
			for _, what := range []struct {
				name       string
				full, fast []string
			}{
				{"diagnostics", full.diags, fast.diags},
				{"facts", full.facts, fast.facts},
				{"errors", full.errors, fast.errors},
			} {
				if !slices.Equal(what.full, what.fast) {
					t.Errorf("%s differ:\n%s", what.name, lineDiff(what.full, what.fast))
				}
			}
			t.Logf("%d diagnostics, %d facts, %d errors agree", len(full.diags), len(full.facts), len(full.errors))
		})
	}
}

type loadOutcome struct {
	diags, facts, errors []string
}

func outcome(t *testing.T, load func(*packages.Config, ...string) ([]*packages.Package, error), dir string, tests bool, patterns []string) loadOutcome {
	t.Helper()
	roots, err := load(&packages.Config{Dir: dir, Tests: tests}, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	a := analyzer.New()
	graph, err := checker.Analyze([]*analysis.Analyzer{a}, roots, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out loadOutcome
	seen := map[string]bool{}
	add := func(list *[]string, s string) {
		if !seen[s] {
			seen[s] = true
			*list = append(*list, s)
		}
	}
	for act := range graph.All() {
		if act.Err != nil && !strings.HasPrefix(act.Err.Error(), "failed prerequisites") {
			add(&out.errors, act.Package.ID+": "+act.Err.Error())
		}
		for _, f := range act.AllPackageFacts() {
			add(&out.facts, fmt.Sprintf("package %s: %T %s", f.Package.Path(), f.Fact, f.Fact))
		}
		for _, f := range act.AllObjectFacts() {
			add(&out.facts, fmt.Sprintf("%s: %T %s", objectKey(f.Object), f.Fact, f.Fact))
		}
		if !act.IsRoot {
			continue
		}
		for _, e := range act.Package.Errors {
			add(&out.errors, act.Package.ID+": "+e.Error())
		}
		for _, d := range act.Diagnostics {
			var fixes []string
			for _, fix := range d.SuggestedFixes {
				for _, e := range fix.TextEdits {
					fixes = append(fixes, fmt.Sprintf("%s-%s %q", act.Package.Fset.Position(e.Pos), act.Package.Fset.Position(e.End), e.NewText))
				}
			}
			add(&out.diags, fmt.Sprintf("%s %s: %s [%s] %v", act.Package.ID, act.Package.Fset.Position(d.Pos), d.Message, d.Category, fixes))
		}
	}
	for _, l := range [][]string{out.diags, out.facts, out.errors} {
		slices.Sort(l)
	}
	return out
}

// objectKey names an object the same way in both loads.
func objectKey(obj types.Object) string {
	if p, err := objectpath.For(obj); err == nil {
		return obj.Pkg().Path() + " " + string(p)
	}
	return obj.Pkg().Path() + " " + obj.Name()
}

func lineDiff(want, got []string) string {
	var b strings.Builder
	for _, s := range want {
		if !slices.Contains(got, s) {
			fmt.Fprintf(&b, "- full only: %s\n", s)
		}
	}
	for _, s := range got {
		if !slices.Contains(want, s) {
			fmt.Fprintf(&b, "+ fast only: %s\n", s)
		}
	}
	return b.String()
}
