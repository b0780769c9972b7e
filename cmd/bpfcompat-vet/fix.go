package main

import (
	"bytes"
	"fmt"
	"go/format"
	"io"
	"os"
	"slices"
)

// applyFixes applies each finding's first suggested fix and returns the
// findings that remain: those without a fix, and those whose edits
// conflict with an earlier finding's in the same file.
func applyFixes(findings []finding, stderr io.Writer) []finding {
	type edit struct {
		start, end int
		text       string
	}
	byFile := map[string][]edit{}
	var remain []finding
	fixed := 0
	for _, f := range findings {
		if len(f.diag.SuggestedFixes) == 0 {
			remain = append(remain, f)
			continue
		}
		var edits []edit
		var file string
		ok := true
		for _, e := range f.diag.SuggestedFixes[0].TextEdits {
			start := f.fset.Position(e.Pos)
			end := start
			if e.End.IsValid() {
				end = f.fset.Position(e.End)
			}
			if file != "" && file != start.Filename {
				ok = false // edits across files: not ours to offer
			}
			file = start.Filename
			edits = append(edits, edit{start.Offset, end.Offset, string(e.NewText)})
		}
		// An edit the file already has (the same import from two fixes)
		// is applied once; one that overlaps another is a conflict.
		var add []edit
		for _, e := range edits {
			dup := false
			for _, o := range byFile[file] {
				switch {
				case o == e:
					dup = true
				case e.start < o.end && o.start < e.end, e.start == e.end && e.start == o.start:
					ok = false
				}
			}
			if !dup {
				add = append(add, e)
			}
		}
		if !ok {
			remain = append(remain, f)
			continue
		}
		byFile[file] = append(byFile[file], add...)
		fixed++
	}
	for file, edits := range byFile {
		src, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintln(stderr, "bpfcompat-vet:", err)
			continue
		}
		slices.SortFunc(edits, func(a, b edit) int { return b.start - a.start })
		out := src
		for _, e := range edits {
			out = append(out[:e.start:e.start], append([]byte(e.text), out[e.end:]...)...)
		}
		if formatted, err := format.Source(out); err == nil {
			out = formatted
		}
		if bytes.Equal(out, src) {
			continue
		}
		if err := os.WriteFile(file, out, 0o644); err != nil {
			fmt.Fprintln(stderr, "bpfcompat-vet:", err)
		}
	}
	if fixed > 0 {
		fmt.Fprintf(stderr, "bpfcompat-vet: applied %d fixes in %d files\n", fixed, len(byFile))
	}
	return remain
}
