package analyzer_test

import (
	"fmt"
	"go/format"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/passes/shadow"
	"golang.org/x/tools/go/packages"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

// TestFixesKeepMeaning applies each suggested fix of testdata/fixes on
// its own, to a copy of the package, and checks what the fixed code is:
// it type-checks (no name shadowed into a type error, no variable out of
// scope), and analyzing it again reports everything the original reported
// except the diagnostic fixed — the fix neither leaves its use reported
// nor brings a new finding. Golden files (TestSuggestedFixes) pin the text.
func TestFixesKeepMeaning(t *testing.T) {
	src := filepath.Join(testdata(t), "fixes")
	before := analyze(t, testdata(t), "./fixes")
	orig := map[string][]byte{}
	for _, name := range goFiles(t, src) {
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		orig[name] = data
	}

	// One module holds a copy of the package per fix, so that one load
	// type-checks cilium/ebpf once for all of them.
	mod := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(testdata(t), f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(mod, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	type variant struct {
		dir, fix string
		want     []string // the diagnostics left: all but the one fixed
	}
	var variants []variant
	for i, d := range before.diags {
		if len(d.fixes) == 0 {
			continue
		}
		for _, fix := range d.fixes {
			dir := fmt.Sprintf("v%02d", len(variants))
			files := maps.Clone(orig)
			for name, edits := range fix.edits {
				fixed, err := format.Source(apply(files[name], edits))
				if err != nil {
					t.Fatalf("%s: fix %q gives code that does not parse: %v\n%s", d.pos, fix.message, err, apply(files[name], edits))
				}
				files[name] = fixed
			}
			if err := os.MkdirAll(filepath.Join(mod, dir), 0o755); err != nil {
				t.Fatal(err)
			}
			for name, data := range files {
				if err := os.WriteFile(filepath.Join(mod, dir, name), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := slices.Delete(slices.Clone(before.messages()), i, i+1)
			variants = append(variants, variant{dir, fmt.Sprintf("%s: %q", d.pos, fix.message), want})
		}
	}
	if len(variants) < 10 {
		t.Fatalf("testdata/fixes offers %d fixes; the test needs its shapes", len(variants))
	}
	after := analyzeAll(t, mod, "./...")
	for _, v := range variants {
		got, ok := after[v.dir]
		if !ok {
			t.Errorf("%s: fixed package not analyzed", v.fix)
			continue
		}
		if len(got.errors) > 0 {
			t.Errorf("%s: the fixed code does not type-check:\n%s", v.fix, strings.Join(got.errors, "\n"))
			continue
		}
		if len(got.shadows) > 0 {
			t.Errorf("%s: the fixed code shadows a name:\n%s", v.fix, strings.Join(got.shadows, "\n"))
		}
		if g := got.messages(); !slices.Equal(g, v.want) {
			t.Errorf("%s: after the fix the analyzer reports\n\t%s\nwant\n\t%s", v.fix, strings.Join(g, "\n\t"), strings.Join(v.want, "\n\t"))
		}
	}
}

type fixText struct {
	message string
	edits   map[string][]edit // by file base name
}

// edit is a TextEdit by byte offsets, to apply to a file read again.
type edit struct {
	start, end int
	text       []byte
}

// apply applies non-overlapping edits to src.
func apply(src []byte, edits []edit) []byte {
	edits = slices.Clone(edits)
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	out := slices.Clone(src)
	for _, e := range edits {
		out = slices.Concat(out[:e.start], e.text, out[e.end:])
	}
	return out
}

type diagText struct {
	pos, key string // key: "file: message"
	fixes    []fixText
}

type analyzed struct {
	diags   []diagText // sorted by key
	errors  []string
	shadows []string // from go vet's shadow pass: a name hiding another that is used after
}

func (a *analyzed) messages() []string {
	var out []string
	for _, d := range a.diags {
		out = append(out, d.key)
	}
	return out
}

func analyze(t *testing.T, dir, pattern string) *analyzed {
	t.Helper()
	all := analyzeAll(t, dir, pattern)
	if len(all) != 1 {
		t.Fatalf("%s: %d packages", pattern, len(all))
	}
	for _, a := range all {
		return a
	}
	return nil
}

// analyzeAll loads the packages matching pattern in the module at dir and
// runs the analyzer, returning each package's findings by the base name of
// its directory.
func analyzeAll(t *testing.T, dir, pattern string) map[string]*analyzed {
	t.Helper()
	cfg := &packages.Config{
		Mode: packages.LoadAllSyntax | packages.NeedModule,
		Dir:  dir,
		Env:  append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, pattern)
	if err != nil {
		t.Fatal(err)
	}
	shadows := shadow.Analyzer
	graph, err := checker.Analyze([]*analysis.Analyzer{analyzer.New(), shadows}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*analyzed{}
	shadowed := map[string][]string{}
	defer func() {
		for dir, s := range shadowed {
			if a := out[dir]; a != nil {
				a.shadows = s
			}
		}
	}()
	for _, act := range graph.Roots {
		pkg := act.Package
		if act.Analyzer == shadows {
			for _, d := range act.Diagnostics {
				p := pkg.Fset.Position(d.Pos)
				shadowed[filepath.Base(filepath.Dir(p.Filename))] = append(shadowed[filepath.Base(filepath.Dir(p.Filename))], fmt.Sprintf("%s:%d: %s", filepath.Base(p.Filename), p.Line, d.Message))
			}
			continue
		}
		a := &analyzed{}
		for _, e := range pkg.Errors {
			a.errors = append(a.errors, e.Error())
		}
		if act.Err != nil {
			a.errors = append(a.errors, act.Err.Error())
		}
		for _, d := range act.Diagnostics {
			p := pkg.Fset.Position(d.Pos)
			base := filepath.Base(p.Filename)
			dt := diagText{pos: fmt.Sprintf("%s:%d", base, p.Line), key: base + ": " + d.Message}
			for _, fix := range d.SuggestedFixes {
				ft := fixText{message: fix.Message, edits: map[string][]edit{}}
				for _, e := range fix.TextEdits {
					tf := pkg.Fset.File(e.Pos)
					name := filepath.Base(tf.Name())
					ft.edits[name] = append(ft.edits[name], edit{tf.Offset(e.Pos), tf.Offset(e.End), e.NewText})
				}
				dt.fixes = append(dt.fixes, ft)
			}
			a.diags = append(a.diags, dt)
		}
		sort.SliceStable(a.diags, func(i, j int) bool { return a.diags[i].key < a.diags[j].key })
		if len(pkg.GoFiles) > 0 {
			out[filepath.Base(filepath.Dir(pkg.GoFiles[0]))] = a
		}
	}
	return out
}

func goFiles(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	return names
}
