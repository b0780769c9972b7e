package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf16"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

// runSARIF analyzes packages with x/tools' checker and writes the findings
// as SARIF 2.1.0 to path ("-": standard output), printing them as text too.
// GitHub code scanning reads it: repository-relative paths, one rule per
// finding category, stable fingerprints.
func runSARIF(stdout, stderr io.Writer, path string, args []string) int {
	a := analyzer.New()
	fs := flag.NewFlagSet("bpfcompat-vet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	a.Flags.VisitAll(func(f *flag.Flag) { fs.Var(f.Value, f.Name, f.Usage) })
	tests := fs.Bool("test", true, "analyze tests too")
	if err := fs.Parse(args); err != nil {
		return 1
	}
	cfg := &packages.Config{Mode: packages.LoadAllSyntax, Tests: *tests}
	pkgs, err := packages.Load(cfg, fs.Args()...)
	if err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet:", err)
		return 1
	}
	if n := packages.PrintErrors(pkgs); n > 0 {
		return 1
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
	if err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet:", err)
		return 1
	}
	if err := graph.PrintText(stdout, -1); err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet:", err)
		return 1
	}
	log, findings, failed := buildSARIF(graph, repoRoot())
	out := stdout
	if path != "-" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(stderr, "bpfcompat-vet:", err)
			return 1
		}
		defer f.Close()
		out = f
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet:", err)
		return 1
	}
	switch {
	case failed:
		return 1
	case findings > 0:
		return 3
	}
	return 0
}

// repoRoot is the git work tree's top, else the working directory: SARIF
// paths are relative to it, as code scanning expects.
func repoRoot() string {
	if out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	wd, _ := os.Getwd()
	return wd
}

// categories are the SARIF rules: one per feature kind, plus the
// analyzer's own categories.
var categories = []struct{ id, short, full string }{
	{"command", "bpf(2) command newer than the target kernel", "The code issues a bpf(2) command that the target kernel does not know; the call fails with EINVAL."},
	{"map_type", "Map type newer than the target kernel", "The code creates a map of a type the target kernel does not know; map creation fails with EINVAL."},
	{"program_type", "Program type newer than the target kernel", "The code loads a program of a type the target kernel does not know; loading fails with EINVAL."},
	{"attach_type", "Attach type newer than the target kernel", "The code uses an attach type the target kernel does not know."},
	{"link_type", "BPF link type newer than the target kernel", "The code creates a BPF link of a type the target kernel does not support."},
	{"helper", "BPF helper newer than the target kernel", "A program calls a helper function the target kernel's verifier does not know; the program is rejected."},
	{"attr_field", "bpf_attr field newer than the target kernel", "The code sets a bpf_attr field past what the target kernel knows; the kernel fails the call with E2BIG or EINVAL."},
	{"flag", "Flag newer than the target kernel", "The code passes a flag the target kernel does not know; the call fails with EINVAL."},
	{"capability", "Kernel capability newer than the target", "The code relies on a verifier, BTF or ISA capability the target kernel lacks."},
	{"requires", "Call of a function that requires a newer kernel", "The callee declares or infers a kernel requirement that the caller neither has nor guards."},
	{analyzer.ObsoleteGuardCategory, "Probe for a feature every target has", "The code probes for a feature that every target kernel has: the fallback path is dead code."},
	{"directive", "Malformed or misplaced bpfcompat directive", "A //bpfcompat: directive cannot be understood or has no effect."},
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds"`
	Results            []sarifResult               `json:"results"`
	ColumnKind         string                      `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
	FullDescription  sarifMessage `json:"fullDescription"`
	HelpURI          string       `json:"helpUri"`
	DefaultConfig    struct {
		Level string `json:"level"`
	} `json:"defaultConfiguration"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
}

type sarifLocation struct {
	PhysicalLocation struct {
		ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
		Region           sarifRegion      `json:"region"`
	} `json:"physicalLocation"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

const helpURI = "https://github.com/bpfcompat/bpfcompat#what-it-finds"

// buildSARIF converts the root actions' diagnostics; it reports how many
// findings there are and whether any analysis failed.
func buildSARIF(graph *checker.Graph, root string) (sarifLog, int, bool) {
	run := sarifRun{
		Tool:               sarifTool{Driver: sarifDriver{Name: "bpfcompat", InformationURI: "https://github.com/bpfcompat/bpfcompat"}},
		OriginalURIBaseIDs: map[string]sarifArtifactLoc{"SRCROOT": {URI: "file://" + filepath.ToSlash(root) + "/"}},
		Results:            []sarifResult{},
		ColumnKind:         "utf16CodeUnits",
	}
	index := map[string]int{}
	for i, c := range categories {
		r := sarifRule{ID: "bpfcompat/" + c.id, ShortDescription: sarifMessage{c.short}, FullDescription: sarifMessage{c.full}, HelpURI: helpURI}
		r.DefaultConfig.Level = "warning"
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, r)
		index[c.id] = i
	}
	failed := false
	seen := map[string]bool{}
	lines := map[string][]string{}
	for act := range graph.All() {
		if act.Err != nil {
			failed = true
		}
		if !act.IsRoot {
			continue
		}
		for _, d := range act.Diagnostics {
			fset := act.Package.Fset
			start, end := fset.Position(d.Pos), fset.Position(d.End)
			if !end.IsValid() {
				end = start
			}
			rel, err := filepath.Rel(root, start.Filename)
			if err != nil || strings.HasPrefix(rel, "..") {
				rel = start.Filename
			}
			rel = filepath.ToSlash(rel)
			key := fmt.Sprintf("%s:%d:%d:%s", rel, start.Line, start.Column, d.Message)
			if seen[key] {
				continue // a file in both foo and foo.test
			}
			seen[key] = true
			cat := d.Category
			if _, ok := index[cat]; !ok {
				cat = "directive"
			}
			text := lineText(lines, start.Filename, start.Line)
			r := sarifResult{
				RuleID:    "bpfcompat/" + cat,
				RuleIndex: index[cat],
				Level:     "warning",
				Message:   sarifMessage{d.Message},
				PartialFingerprints: map[string]string{
					// The rule, the file and the line's text, not its number:
					// the same finding keeps its identity when code moves.
					"bpfcompat/v1": fingerprint(cat, rel, strings.TrimSpace(text), d.Message),
				},
			}
			var loc sarifLocation
			loc.PhysicalLocation.ArtifactLocation = sarifArtifactLoc{URI: rel, URIBaseID: "SRCROOT"}
			loc.PhysicalLocation.Region = sarifRegion{
				StartLine:   start.Line,
				StartColumn: utf16Column(text, start.Column),
				EndLine:     end.Line,
				EndColumn:   utf16Column(lineText(lines, end.Filename, end.Line), end.Column),
			}
			r.Locations = []sarifLocation{loc}
			run.Results = append(run.Results, r)
		}
	}
	slices.SortFunc(run.Results, func(a, b sarifResult) int {
		la, lb := a.Locations[0].PhysicalLocation, b.Locations[0].PhysicalLocation
		if c := strings.Compare(la.ArtifactLocation.URI, lb.ArtifactLocation.URI); c != 0 {
			return c
		}
		return la.Region.StartLine*1000 + la.Region.StartColumn - (lb.Region.StartLine*1000 + lb.Region.StartColumn)
	})
	return sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}, len(run.Results), failed
}

func lineText(cache map[string][]string, file string, line int) string {
	ls, ok := cache[file]
	if !ok {
		data, _ := os.ReadFile(file)
		ls = strings.Split(string(data), "\n")
		cache[file] = ls
	}
	if line < 1 || line > len(ls) {
		return ""
	}
	return ls[line-1]
}

// utf16Column converts a 1-based byte column into SARIF's default unit.
func utf16Column(line string, col int) int {
	if col < 1 || col-1 > len(line) {
		return max(col, 1)
	}
	return len(utf16.Encode([]rune(line[:col-1]))) + 1
}

func fingerprint(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:16])
}
