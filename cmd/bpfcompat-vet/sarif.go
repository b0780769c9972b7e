package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode/utf16"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

// writeSARIF writes the findings as SARIF 2.1.0, which GitHub code
// scanning reads: repository-relative paths, one rule per finding
// category, stable fingerprints. Load and type errors are tool execution
// notifications, so that a CI upload step always finds the file.
func writeSARIF(w io.Writer, res *result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(buildSARIF(res, repoRoot()))
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
	Invocations        []sarifInvocation           `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds"`
	Results            []sarifResult               `json:"results"`
	ColumnKind         string                      `json:"columnKind"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
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

// buildSARIF converts the findings and errors of a run.
func buildSARIF(res *result, root string) sarifLog {
	inv := sarifInvocation{ExecutionSuccessful: len(res.errors) == 0}
	for _, e := range res.errors {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "error", Message: sarifMessage{e}})
	}
	run := sarifRun{
		Tool:               sarifTool{Driver: sarifDriver{Name: "bpfcompat", InformationURI: "https://github.com/bpfcompat/bpfcompat", Version: toolVersion()}},
		Invocations:        []sarifInvocation{inv},
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
	lines := map[string][]string{}
	for _, f := range res.findings {
		d, start, end := f.diag, f.posn, f.end
		if !end.IsValid() {
			end = start
		}
		rel, err := filepath.Rel(root, start.Filename)
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = start.Filename
		}
		rel = filepath.ToSlash(rel)
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
	return sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}
}

func lineText(cache map[string][]string, file string, line int) string {
	text, _ := sourceLine(cache, file, line)
	return text
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
