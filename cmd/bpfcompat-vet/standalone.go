package main

import (
	"fmt"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// finding is one diagnostic of a root package, once: a file analyzed in
// both a package and its test variant reports the same finding twice.
type finding struct {
	pkgID string
	posn  token.Position
	end   token.Position
	fset  *token.FileSet
	diag  analysis.Diagnostic
}

// result is what one standalone run found.
type result struct {
	findings []finding
	errors   []string // load and type errors, analysis errors; each once
}

func standalone(o *options, stdout, stderr io.Writer) int {
	res, err := analyze(o)
	if err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet:", oneLine(err))
		return 1
	}
	if o.fix {
		res.findings = applyFixes(res.findings, stderr)
	}
	failed := len(res.errors) > 0
	for _, e := range res.errors {
		fmt.Fprintln(stderr, e)
	}
	switch {
	case o.sarif == "-":
		if err := writeSARIF(stdout, res); err != nil {
			fmt.Fprintln(stderr, "bpfcompat-vet:", err)
			return 1
		}
	case o.json:
		if err := printJSON(stdout, res); err != nil {
			fmt.Fprintln(stderr, "bpfcompat-vet:", err)
			return 1
		}
	default:
		printText(stdout, res, o)
	}
	if o.sarif != "" && o.sarif != "-" {
		f, err := os.Create(o.sarif)
		if err == nil {
			err = writeSARIF(f, res)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(stderr, "bpfcompat-vet:", err)
			return 1
		}
	}
	switch {
	case failed:
		return 1
	case len(res.findings) > 0:
		return 3
	}
	return 0
}

// analyze loads the packages and runs bpfcompat on them.
func analyze(o *options) (*result, error) {
	if err := adoptGoTarget(); err != nil {
		return nil, err
	}
	cfg := &packages.Config{Tests: o.tests}
	load := loadFast
	if o.load == "full" {
		load = loadFull
	}
	roots, err := load(cfg, o.patterns...)
	if err != nil {
		return nil, err
	}
	if len(roots) == 0 {
		return nil, fmt.Errorf("no packages match %s", strings.Join(o.patterns, " "))
	}
	res := &result{}
	seenErr := map[string]bool{}
	addErr := func(msg string) {
		if !seenErr[msg] {
			seenErr[msg] = true
			res.errors = append(res.errors, msg)
		}
	}
	// Load and type errors of the roots, as go vet prints them. The
	// analysis runs anyway (bpfcompat runs despite errors), so a broken
	// file still gets its findings and the SARIF log its notifications.
	packages.Visit(roots, nil, func(pkg *packages.Package) {
		for _, e := range pkg.Errors {
			addErr(e.Error())
		}
	})
	graph, err := checker.Analyze([]*analysis.Analyzer{o.analyzer}, roots, nil)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for act := range graph.All() {
		// A dependency's failure reaches its importers as "failed
		// prerequisites": print the cause, once.
		if act.Err != nil && !strings.HasPrefix(act.Err.Error(), "failed prerequisites") {
			addErr(act.Err.Error())
		}
	}
	for _, act := range graph.Roots {
		for _, d := range act.Diagnostics {
			fset := act.Package.Fset
			posn, end := fset.Position(d.Pos), fset.Position(d.End)
			key := fmt.Sprintf("%s:%d:%d: %s", posn.Filename, posn.Line, posn.Column, d.Message)
			if seen[key] {
				continue // the same file in the package and its test variant
			}
			seen[key] = true
			res.findings = append(res.findings, finding{pkgID: act.Package.ID, posn: posn, end: end, fset: fset, diag: d})
		}
	}
	slices.SortStableFunc(res.findings, func(a, b finding) int {
		if c := strings.Compare(a.posn.Filename, b.posn.Filename); c != 0 {
			return c
		}
		if a.posn.Offset != b.posn.Offset {
			return a.posn.Offset - b.posn.Offset
		}
		return strings.Compare(a.diag.Message, b.diag.Message)
	})
	return res, nil
}

// relPath shortens a file name to the working directory, as go vet does.
func relPath(name string) string {
	wd, err := os.Getwd()
	if err != nil {
		return name
	}
	if rel, err := filepath.Rel(wd, name); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return name
}

// printText prints one file:line:col: line per finding, which editors and
// CI annotators read; -c adds the source around it, -v the commit that
// introduced the feature.
func printText(w io.Writer, res *result, o *options) {
	lines := map[string][]string{}
	for _, f := range res.findings {
		fmt.Fprintf(w, "%s:%d:%d: %s\n", relPath(f.posn.Filename), f.posn.Line, f.posn.Column, f.diag.Message)
		if o.verbose {
			for _, r := range f.diag.Related {
				fmt.Fprintf(w, "\t%s\n", r.Message)
			}
		}
		if o.context >= 0 {
			end := max(f.end.Line, f.posn.Line)
			for i := max(f.posn.Line-o.context, 1); i <= end+o.context; i++ {
				text, ok := sourceLine(lines, f.posn.Filename, i)
				if !ok {
					break
				}
				fmt.Fprintf(w, "%d\t%s\n", i, text)
			}
		}
	}
}

func sourceLine(cache map[string][]string, file string, line int) (string, bool) {
	ls, ok := cache[file]
	if !ok {
		data, _ := os.ReadFile(file)
		ls = strings.Split(string(data), "\n")
		cache[file] = ls
	}
	if line < 1 || line > len(ls) {
		return "", false
	}
	return ls[line-1], true
}
