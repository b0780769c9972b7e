package analyzer_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

// TestCiliumOwnPackages runs the analyzer over cilium/ebpf v0.22.0's own
// packages (tests excluded) at the default target, 5.4, and compares what
// it reports with testdata/realworld/cilium-ebpf-5.4.txt, where every
// diagnostic carries a verdict: true, or a false positive and why it is
// left. A fixed false positive leaves the file; a new report must be
// judged before it enters.
func TestCiliumOwnPackages(t *testing.T) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadAllSyntax | packages.NeedModule, Env: append(os.Environ(), "GOFLAGS=")},
		"github.com/cilium/ebpf/...")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) == 0 || pkgs[0].Module == nil {
		t.Fatal("cilium/ebpf did not load as a module")
	}
	root := pkgs[0].Module.Dir
	graph, err := checker.Analyze([]*analysis.Analyzer{analyzer.New()}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, act := range graph.Roots {
		if act.Err != nil {
			t.Errorf("%s: %v", act.Package.PkgPath, act.Err)
		}
		for _, d := range act.Diagnostics {
			pos := act.Package.Fset.Position(d.Pos)
			rel, err := filepath.Rel(root, pos.Filename)
			if err != nil {
				rel = pos.Filename
			}
			got = append(got, fmt.Sprintf("%s:%d:%d: %s", filepath.ToSlash(rel), pos.Line, pos.Column, d.Message))
		}
	}
	slices.Sort(got)

	golden := filepath.Join("..", "testdata", "realworld", "cilium-ebpf-5.4.txt")
	want, err := readVerdicts(golden)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range got {
		if _, ok := want[g]; !ok {
			t.Errorf("new diagnostic, judge it and add it with a verdict to %s:\n%s", golden, g)
		}
	}
	for w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("%s lists a diagnostic no longer reported (fixed? remove it):\n%s", golden, w)
		}
	}
}

// readVerdicts reads a verdict file: each diagnostic line is followed by
// an indented line starting "true" or "false"; # starts a comment.
func readVerdicts(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	var last string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t"):
			v := strings.TrimSpace(line)
			if last == "" || out[last] != "" {
				return nil, fmt.Errorf("%s:%d: a verdict with no diagnostic before it", path, n)
			}
			if !strings.HasPrefix(v, "true") && !strings.HasPrefix(v, "false") {
				return nil, fmt.Errorf("%s:%d: a verdict starts with true or false", path, n)
			}
			out[last] = v
		default:
			if last != "" && out[last] == "" {
				return nil, fmt.Errorf("%s:%d: %q has no verdict", path, n-1, last)
			}
			last = line
			out[last] = ""
		}
	}
	if last != "" && out[last] == "" {
		return nil, fmt.Errorf("%s: %q has no verdict", path, last)
	}
	return out, sc.Err()
}
