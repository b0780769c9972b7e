package analyzer_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

// orderedPackages are the testdata packages whose diagnostics and facts
// must not depend on the order of declarations and files. (fixes has
// golden files of its source; flagtarget and badconfig need their own
// setups; bpfgen is a generated file the reordering would rewrite, and
// bpfuse and mapops import it.)
var orderedPackages = []string{
	"./bpf", "./bpfwrap", "./usewrap", "./callers", "./checklib", "./checkuse",
	"./cilium", "./config", "./directive", "./fallback", "./generated", "./guards",
	"./idioms", "./ignore", "./implied", "./optlib", "./optuse", "./order",
	"./rawsyscall", "./reqlib", "./requse", "./unixconst", "./kernelcheck", "./kernelcheckuse",
	"./featureerr", "./testskip", "./exitlib", "./exituse", "./retry", "./lastresort",
	"./calleefallback", "./pinlib", "./pinuse", "./envdevice", "./calleelib", "./calleeuse",
	"./probewrap", "./probewrapuse", "./tablelib", "./tableuse",
	"./objlib", "./objuse",
	"./verlib", "./veruse",
	"./memolib", "./memouse", "./closurelib", "./closureuse",
	"./rawprobe", "./rawprobelib", "./rawprobeuse",
	"./cfgopt", "./cfglib", "./cfgmid", "./cfgdaemon", "./cfgelsewhere",
	"./featurechecklib", "./featurecheckuse",
	"./memolib", "./memouse", "./closurelib", "./closureuse", "./errreturns",
}

// TestOrderIndependence runs the testdata packages with their top-level
// declarations in reverse order and their files in reverse order: the
// same diagnostics and facts are expected, each `// want` moving with
// the declaration it is in. The summaries (checks, requirements,
// parameter facts, caller contexts) are fixed points, not the result of
// the order a walk meets functions in.
func TestOrderIndependence(t *testing.T) {
	src := testdata(t)
	dst := t.TempDir()
	for _, name := range []string{"go.mod", "go.sum"} {
		copyFile(t, filepath.Join(src, name), filepath.Join(dst, name))
	}
	for _, pkg := range orderedPackages {
		permuteDir(t, filepath.Join(src, pkg), filepath.Join(dst, pkg))
	}
	analysistest.Run(t, dst, analyzer.New(), orderedPackages...)
}

// permuteDir copies a package directory, reversing the order of its Go
// files (by renaming them) and of the declarations in each.
func permuteDir(t *testing.T, from, to string) {
	t.Helper()
	var goFiles []string
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if filepath.Dir(rel) == "." && strings.HasSuffix(rel, ".go") {
			goFiles = append(goFiles, rel)
			return nil
		}
		copyFile(t, path, filepath.Join(to, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(goFiles)
	// The package's fact is reported at its first file: its // want
	// moves to the file that comes first now, on a line of its own.
	var packageWant string
	sources := make([][]byte, len(goFiles))
	for i, name := range goFiles {
		data, err := os.ReadFile(filepath.Join(from, name))
		if err != nil {
			t.Fatal(err)
		}
		if m := packageWantRE.Find(data); m != nil {
			packageWant = string(m)
			data = packageWantRE.ReplaceAll(data, nil)
		}
		sources[i] = data
	}
	for i, name := range goFiles {
		data := reverseDecls(t, name, sources[i])
		if i == len(goFiles)-1 && packageWant != "" {
			data = append([]byte(packageWant+"\n"), data...)
		}
		// f09_x.go sorts before f10_y.go: the last file comes first.
		write(t, filepath.Join(to, fmt.Sprintf("f%02d_%s", len(goFiles)-i, name)), data)
	}
}

// packageWantRE finds the expectation of a package fact.
var packageWantRE = regexp.MustCompile(`// want package:"[^"\n]*"`)

// reverseDecls reverses the top-level declarations of a file after its
// imports, each with the comments before it and the rest of its last
// line.
func reverseDecls(t *testing.T, name string, src []byte) []byte {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	tf := fset.File(f.Pos())
	endOfLine := func(p token.Pos) int {
		off := tf.Offset(p)
		if i := strings.IndexByte(string(src[off:]), '\n'); i >= 0 {
			return off + i + 1
		}
		return len(src)
	}
	start := endOfLine(f.Name.End())
	var decls []ast.Decl
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			start = endOfLine(gd.End())
			continue
		}
		decls = append(decls, d)
	}
	header := start
	var chunks []string
	for _, d := range decls {
		end := endOfLine(d.End())
		if end <= start {
			continue // two declarations on one line stay together
		}
		chunk := string(src[start:end])
		if !strings.HasSuffix(chunk, "\n") {
			chunk += "\n"
		}
		chunks = append(chunks, chunk)
		start = end
	}
	tail := string(src[start:])
	slices.Reverse(chunks)
	return []byte(string(src[:header]) + strings.Join(chunks, "") + tail)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	write(t, to, data)
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
