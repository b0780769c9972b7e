package analyzer_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

func TestChecksInCodeNotOwned(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./kernelver", "./kernelveruse")
}

// TestBadOptions: each bad setting is an error naming where it was given.
func TestBadOptions(t *testing.T) {
	for pkg, want := range map[string]string{
		"./badchecks":  `badchecks/.bpfcompat.yaml:3: checks: bpfcompat.test/kernelver.Unlisted: "arg0": Unlisted has no such argument`,
		"./baddisable": `baddisable/.bpfcompat.yaml:2: disable: unknown category "obsolete"`,
	} {
		results := analysistest.Run(nopT{t}, testdata(t), analyzer.New(), pkg)
		if len(results) == 0 || results[0].Err == nil || !strings.Contains(results[0].Err.Error(), want) {
			t.Errorf("%s: want an error containing %q, got %v", pkg, want, results)
		}
	}
	for _, value := range []string{"example.com/x.F", "example.com/x.F=arg0 maybe", "example.com/x.F=9.99"} {
		if err := analyzer.New().Flags.Set("checks", value); err == nil || !strings.Contains(err.Error(), "-checks") {
			t.Errorf("-checks=%s: %v", value, err)
		}
	}
}
