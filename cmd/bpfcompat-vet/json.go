package main

import (
	"encoding/json"
	"io"
)

// The JSON tree of the go/analysis drivers (checker.PrintJSON, unitchecker
// -json): {"package": {"bpfcompat": [diagnostic...]}}, one entry per
// finding, so tools that read go vet -json read this too.
type jsonDiagnostic struct {
	Category       string             `json:"category,omitempty"`
	Posn           string             `json:"posn"`
	End            string             `json:"end,omitempty"`
	Message        string             `json:"message"`
	URL            string             `json:"url,omitempty"`
	SuggestedFixes []jsonSuggestedFix `json:"suggested_fixes,omitempty"`
	Related        []jsonRelatedInfo  `json:"related,omitempty"`
}

type jsonSuggestedFix struct {
	Message string     `json:"message"`
	Edits   []jsonEdit `json:"edits"`
}

type jsonEdit struct {
	Filename string `json:"filename"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	New      string `json:"new"`
}

type jsonRelatedInfo struct {
	Posn    string `json:"posn"`
	Message string `json:"message"`
}

func printJSON(w io.Writer, res *result) error {
	tree := map[string]map[string]any{}
	for _, f := range res.findings {
		d := f.diag
		jd := jsonDiagnostic{Category: d.Category, Posn: f.posn.String(), Message: d.Message, URL: d.URL}
		if f.end.IsValid() {
			jd.End = f.end.String()
		}
		for _, fix := range d.SuggestedFixes {
			jf := jsonSuggestedFix{Message: fix.Message}
			for _, e := range fix.TextEdits {
				start, end := f.fset.Position(e.Pos), f.fset.Position(e.End)
				if !e.End.IsValid() {
					end = start
				}
				jf.Edits = append(jf.Edits, jsonEdit{Filename: start.Filename, Start: start.Offset, End: end.Offset, New: string(e.NewText)})
			}
			jd.SuggestedFixes = append(jd.SuggestedFixes, jf)
		}
		for _, r := range d.Related {
			jd.Related = append(jd.Related, jsonRelatedInfo{Posn: f.fset.Position(r.Pos).String(), Message: r.Message})
		}
		if tree[f.pkgID] == nil {
			tree[f.pkgID] = map[string]any{}
		}
		list, _ := tree[f.pkgID]["bpfcompat"].([]jsonDiagnostic)
		tree[f.pkgID]["bpfcompat"] = append(list, jd)
	}
	if len(res.errors) > 0 {
		tree["errors"] = map[string]any{"bpfcompat": res.errors}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "\t")
	return enc.Encode(tree)
}
