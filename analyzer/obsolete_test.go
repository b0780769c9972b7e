package analyzer_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

func TestObsoleteGuardsOnlyWhereNoKernelLacks(t *testing.T) {
	a := analyzer.New()
	if err := a.Flags.Set("kernel", "6.6"); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata(t), a, "./obsolete")
}

func TestDisabledCategories(t *testing.T) {
	// From .bpfcompat.yaml.
	analysistest.Run(t, testdata(t), analyzer.New(), "./disable")

	// From the flag: the obsolete probes of ./obsolete go unreported.
	a := analyzer.New()
	for flag, value := range map[string]string{"kernel": "6.6", "disable": analyzer.ObsoleteGuardCategory} {
		if err := a.Flags.Set(flag, value); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range analysistest.Run(nopT{t}, testdata(t), a, "./obsolete") {
		for _, d := range r.Diagnostics {
			t.Errorf("-disable=obsolete_guard: reported %s: %s", d.Category, d.Message)
		}
	}

	if err := analyzer.New().Flags.Set("disable", "obsolete_guards"); err == nil || !strings.Contains(err.Error(), `unknown category "obsolete_guards"`) || !strings.Contains(err.Error(), "obsolete_guard,") {
		t.Errorf("-disable=obsolete_guards: %v", err)
	}
}
