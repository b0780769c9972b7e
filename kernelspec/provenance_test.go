package kernelspec

import (
	"fmt"
	"strings"
	"testing"
)

// withoutCommit is, per kind, the most features of the embedded specs that
// may lack the id of the kernel commit that introduced them (they carry a
// source instead). specs/README.md gives the same figures. Each diagnostic
// names the introducing commit, so the figures may only go down: lower one
// when an entry gains its commit (the test says when), and give every new
// entry a commit.
var withoutCommit = map[Kind]int{
	Command:      0,
	MapType:      0,
	ProgramType:  0,
	AttachType:   0,
	LinkType:     0,
	Helper:       0,
	AttrField:    0,
	Flag:         0,
	Capability:   0,
	Kfunc:        1,
	HelperCall:   0,
	MapOperation: 0,
}

// TestProvenanceCoverage counts, per kind, the features without an
// introducing kernel commit (go test -v prints the figures) and fails if a
// kind has more than withoutCommit allows, naming them, or fewer, so that
// the figures the README gives stay exact.
func TestProvenanceCoverage(t *testing.T) {
	db, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	total, missing := 0, 0
	for _, k := range Kinds {
		var names []string
		for _, f := range db.byKind[k] {
			if f.Introduced().Commit == "" {
				names = append(names, fmt.Sprintf("%s (%s)", f.Name, f.Introduced().Position()))
			}
		}
		n := len(db.byKind[k])
		total, missing = total+n, missing+len(names)
		t.Logf("%-13s %4d of %4d without a kernel commit", k, len(names), n)
		switch allowed := withoutCommit[k]; {
		case len(names) > allowed:
			t.Errorf("%d %ss lack a kernel commit, %d allowed:\n\t%s", len(names), k, allowed, strings.Join(names, "\n\t"))
		case len(names) < allowed:
			t.Errorf("only %d %ss lack a kernel commit: lower withoutCommit[%s] and the figure in specs/README.md from %d", len(names), k, k, allowed)
		}
	}
	t.Logf("%-13s %4d of %4d without a kernel commit", "all", missing, total)
}
