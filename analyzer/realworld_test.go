package analyzer_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

// The real-world tests run the analyzer over published projects and compare
// what it reports with a verdict file in testdata/realworld, where every
// diagnostic carries a verdict: true, or a false positive and why it is
// left. A fixed false positive leaves the file; a new report must be judged
// before it enters. These files are the measure of the analyzer's precision
// on code it was not written against.

// TestCiliumOwnPackages runs the analyzer over cilium/ebpf v0.22.0's own
// packages (tests excluded), the version this module requires, at the
// default target, 5.4.
func TestCiliumOwnPackages(t *testing.T) {
	golden := filepath.Join("..", "testdata", "realworld", "cilium-ebpf-5.4.txt")
	vf, err := readVerdicts(golden)
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadAllSyntax | packages.NeedModule, Env: append(os.Environ(), "GOFLAGS=")},
		"github.com/cilium/ebpf/...")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) == 0 || pkgs[0].Module == nil {
		t.Fatal("cilium/ebpf did not load as a module")
	}
	checkVerdicts(t, golden, vf.verdicts, diagnose(t, analyzer.New(), pkgs, pkgs[0].Module.Dir))
}

// TestRealWorldProjects runs the analyzer over each project that a verdict
// file's header names, a module at a pinned version read from the module
// cache (scripts/test.sh downloads it), built with its own go.mod, at the
// oldest kernel the project declares. A project whose load is heavy runs
// only where BPFCOMPAT_REALWORLD is set, as scripts/test.sh does.
func TestRealWorldProjects(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "realworld", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, golden := range files {
		vf, err := readVerdicts(golden)
		if err != nil {
			t.Fatal(err)
		}
		if vf.module == "" {
			continue // not a module of its own: a test above loads it
		}
		t.Run(strings.TrimSuffix(filepath.Base(golden), ".txt"), func(t *testing.T) {
			if vf.heavy != "" && os.Getenv("BPFCOMPAT_REALWORLD") == "" {
				t.Skipf("%s: %s; set BPFCOMPAT_REALWORLD=1 (scripts/test.sh does) to run it", vf.module, vf.heavy)
			}
			dir := moduleDir(t, vf.module)
			pkgs := loadModule(t, dir, vf.packages)
			a := analyzer.New()
			if err := a.Flags.Set("kernel", vf.kernel); err != nil {
				t.Fatalf("%s: kernel: %v", golden, err)
			}
			checkVerdicts(t, golden, vf.verdicts, diagnose(t, a, pkgs, dir))
		})
	}
}

// moduleEnv builds a project as its own main module, from the module cache
// only: a test never reaches the network, and a missing module is a skip.
// The platform is fixed because build tags choose files, and the embedded
// BPF objects, per architecture.
func moduleEnv() []string {
	return append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local",
		"GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
}

// moduleDir returns where the module cache holds path@version, or skips
// the test when the cache lacks it.
func moduleDir(t *testing.T, pathVersion string) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", pathVersion)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
	out, _ := cmd.Output() // on failure the JSON says why
	var m struct{ Dir, Error string }
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("go mod download %s: %v\n%s", pathVersion, err, out)
	}
	if m.Dir == "" {
		t.Skipf("%s is not in the module cache (scripts/test.sh downloads it): %s", pathVersion, m.Error)
	}
	return m.Dir
}

// loadModule loads patterns in the module at dir with all their syntax. A
// dependency missing from the module cache skips the test; any other error
// fails it, since a project that does not build would test nothing.
func loadModule(t *testing.T, dir string, patterns []string) []*packages.Package {
	t.Helper()
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadAllSyntax | packages.NeedModule, Dir: dir, Env: moduleEnv()}, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			errs = append(errs, e.Error())
		}
	})
	for _, e := range errs {
		if strings.Contains(e, "GOPROXY=off") {
			t.Skipf("a dependency is not in the module cache (scripts/test.sh downloads it): %s", e)
		}
	}
	if len(errs) > 0 {
		t.Fatalf("%s does not load:\n%s", dir, strings.Join(errs, "\n"))
	}
	return pkgs
}

// diagnose runs a over pkgs and returns its diagnostics as the verdict
// files write them, sorted, with positions and the paths in messages (an
// object file that cannot be read) relative to root, so that a verdict does
// not depend on where the module cache is.
func diagnose(t *testing.T, a *analysis.Analyzer, pkgs []*packages.Package, root string) []string {
	t.Helper()
	graph, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
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
			msg := strings.ReplaceAll(d.Message, root+string(filepath.Separator), "")
			got = append(got, fmt.Sprintf("%s:%d:%d: %s", filepath.ToSlash(rel), pos.Line, pos.Column, msg))
		}
	}
	slices.Sort(got)
	return got
}

// checkVerdicts fails on a diagnostic the file does not judge, and on one
// it judges that is no longer reported.
func checkVerdicts(t *testing.T, golden string, want map[string]string, got []string) {
	t.Helper()
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

// verdictFile is a verdict file read: what to analyze and the verdicts.
type verdictFile struct {
	module   string   // path@version in the module cache; empty for this module's own dependencies
	kernel   string   // the target, the oldest kernel the project declares
	packages []string // patterns, relative to the module's root
	heavy    string   // why the project runs only with BPFCOMPAT_REALWORLD set
	verdicts map[string]string
}

// readVerdicts reads a verdict file: each diagnostic line is followed by
// an indented line starting "true" or "false"; # starts a comment. Header
// comments "# module: path@version", "# kernel: version (where the project
// declares it)", "# packages: pattern..." (repeatable) and "# heavy: why"
// say what to analyze.
func readVerdicts(path string) (*verdictFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	vf := &verdictFile{verdicts: map[string]string{}}
	out := vf.verdicts
	var last string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
			key, value, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "#")), ":")
			if !ok {
				continue
			}
			value = strings.TrimSpace(value)
			switch key {
			case "module":
				vf.module = value
			case "kernel":
				vf.kernel, _, _ = strings.Cut(value, " ")
			case "packages":
				vf.packages = append(vf.packages, strings.Fields(value)...)
			case "heavy":
				vf.heavy = value
			}
		case line == "":
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
	if vf.module != "" && (vf.kernel == "" || len(vf.packages) == 0) {
		return nil, fmt.Errorf("%s: a module needs a kernel and packages", path)
	}
	return vf, sc.Err()
}
