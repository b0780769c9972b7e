package golangci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

func TestSettings(t *testing.T) {
	newPlugin, err := register.GetPlugin("bpfcompat")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		settings any
		want     string // the kernel flag's value
	}{
		{map[string]any{"kernel": []any{"5.10", "6.1"}}, "5.10,6.1"},
		{map[string]any{"kernel": "5.10"}, "5.10"},
		{map[string]any{"kernel": "5.10, 6.1"}, "5.10,6.1"},
		{map[string]any{"kernel": "rhel-8.10", "spec-files": "fleet/rhel-8.10.yaml"}, "rhel-8.10"},
		{nil, analyzer.DefaultKernel},
	} {
		p, err := newPlugin(tc.settings)
		if err != nil {
			t.Errorf("settings %v: %v", tc.settings, err)
			continue
		}
		as, err := p.BuildAnalyzers()
		if err != nil || len(as) == 0 || as[0].Flags.Lookup("kernel").Value.String() != tc.want {
			t.Errorf("settings %v: analyzers %v, %v; want kernel %s", tc.settings, as, err, tc.want)
		}
		if p.GetLoadMode() != register.LoadModeTypesInfo {
			t.Errorf("load mode %s", p.GetLoadMode())
		}
	}

	// Each error names the setting, in the settings' terms.
	for _, tc := range []struct {
		settings any
		want     string
	}{
		{map[string]any{"kernels": []any{"5.10"}}, `bpfcompat settings: unknown setting "kernels"; did you mean "kernel"? (the settings are kernel, spec-files, disable, checks)`},
		{map[string]any{"kernel": []any{"5.x"}}, `bpfcompat settings: kernel: invalid kernel version "5.x"`},
		{map[string]any{"kernel": 5.1}, `bpfcompat settings: kernel: want a string or a list of strings, found the number 5.1 (quote a version: "5.10", since YAML reads 5.10 as 5.1)`},
		{map[string]any{"kernel": []any{"5.4", 6.1}}, `bpfcompat settings: kernel[1]: want a string, found the number 6.1`},
		{map[string]any{"spec-files": []any{"a.yaml"}}, `bpfcompat settings: spec-files is set but kernel is not`},
		{map[string]any{"kernel": map[string]any{"a": "b"}}, `bpfcompat settings: kernel: want a string or a list of strings, found a mapping`},
		{"5.10", `bpfcompat settings: want settings such as kernel: "5.10", found a value`},
	} {
		_, err := newPlugin(tc.settings)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("settings %v: error %v, want %q", tc.settings, err, tc.want)
		}
	}
}

// TestInputsDigest: the digest that golangci-lint's cache key carries
// changes when .bpfcompat.yaml or a kernel spec file it or the settings
// name changes, and only then.
func TestInputsDigest(t *testing.T) {
	mod := t.TempDir()
	write(t, filepath.Join(mod, "go.mod"), "module m\n")
	write(t, filepath.Join(mod, "sub", ".bpfcompat.yaml"), "kernel: [rhel]\nspec-files: [../fleet/rhel.yaml]\n")
	write(t, filepath.Join(mod, "fleet", "rhel.yaml"), "name: rhel\nbase: \"4.18\"\n")
	write(t, filepath.Join(mod, "fleet", "other.yaml"), "name: other\nbase: \"5.4\"\n")
	write(t, filepath.Join(mod, "main.go"), "package main\n")
	settings := analyzer.DriverSettings{Kernel: []string{"5.4", "fleet/other.yaml"}}
	digest := func() string {
		t.Helper()
		d, err := inputsDigest(mod, settings)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	before := digest()
	for _, edit := range []struct{ file, data string }{
		{"sub/.bpfcompat.yaml", "kernel: [rhel, 6.1]\nspec-files: [../fleet/rhel.yaml]\n"},
		{"fleet/rhel.yaml", "name: rhel\nbase: \"4.18\"\nadded: {}\n"},
		{"fleet/other.yaml", "name: other\nbase: \"5.10\"\n"},
		{".bpfcompat.yaml", "kernel: 5.10\n"},
	} {
		write(t, filepath.Join(mod, edit.file), edit.data)
		if after := digest(); after == before {
			t.Errorf("editing %s left the digest %s", edit.file, before)
		} else {
			before = after
		}
	}
	write(t, filepath.Join(mod, "main.go"), "package main\n\nfunc main() {}\n")
	if after := digest(); after != before {
		t.Errorf("editing Go code changed the digest: golangci-lint keys on that already")
	}
	if err := os.Remove(filepath.Join(mod, "fleet", "rhel.yaml")); err != nil {
		t.Fatal(err)
	}
	if after := digest(); after == before {
		t.Errorf("removing a spec file left the digest")
	}
}
