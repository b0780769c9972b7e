package analyzer

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// TestConfigErrors: every mistake in .bpfcompat.yaml is one line,
// file:line: reason, in the file's own terms (never the decoder's Go
// types), with the key meant when one is misspelt.
func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"kernel: 5.4\nkernels: 6.1\n", `^x.yaml:2: unknown key "kernels"; did you mean "kernel"\? \(the keys are kernel, spec-files, disable, checks\)$`},
		{"spec_files: [a.yaml]\n", `^x.yaml:1: unknown key "spec_files"; did you mean "spec-files"\?`},
		{"target: 5.4\n", `^x.yaml:1: unknown key "target" \(the keys are kernel, spec-files, disable, checks\)$`},
		{"kernel: {a: b}\n", `^x.yaml:1: kernel: want a version, a spec file path, or a list of them, found a mapping$`},
		{"kernel:\n  - 5.4\n  - [6.1]\n", `^x.yaml:3: kernel: want a version or a spec file path, found a list$`},
		{"kernel:\n", `^x.yaml:1: kernel is empty`},
		{"kernel: 5.4\nkernel: 6.1\n", `^x.yaml:2: kernel is given twice \(first at line 1\)$`},
		{"- 5.4\n", `^x.yaml:1: want keys such as kernel: 5.4, found a list$`},
		{"kernel: [5.4\n", `^x.yaml:\d+: .*`},
	} {
		_, err := parseConfig("x.yaml", []byte(tc.yaml))
		if err == nil || !regexp.MustCompile(tc.want).MatchString(err.Error()) {
			t.Errorf("%q: error %v, want it to match %s", tc.yaml, err, tc.want)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || regexp.MustCompile(`analyzer\.|stringList|fileConfig|unmarshal|!!`).MatchString(msg) {
			t.Errorf("%q: error %q is not one line in the file's terms", tc.yaml, msg)
		}
	}

	cfg, err := parseConfig("x.yaml", []byte("kernel: 5.10, rhel\nspec-files:\n  - fleet/rhel.yaml\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := fileConfig{
		Kernel:    []setting{{"5.10", "x.yaml:1"}, {"rhel", "x.yaml:1"}},
		SpecFiles: []setting{{"fleet/rhel.yaml", "x.yaml:3"}},
	}
	if !slices.Equal(cfg.Kernel, want.Kernel) || !slices.Equal(cfg.SpecFiles, want.SpecFiles) {
		t.Errorf("parsed %+v, want %+v", *cfg, want)
	}
}

// TestDriverSettingsRelativeToModule: paths in a driver's settings
// (golangci-lint's) resolve against the root of the module it runs in,
// from whichever of its directories: VS Code runs golangci-lint in the
// package's directory.
func TestDriverSettingsRelativeToModule(t *testing.T) {
	mod := t.TempDir()
	spec, err := os.ReadFile(filepath.Join("..", "testdata", "flagtarget", "rhel-8.10.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"go.mod":               []byte("module m\n"),
		"fleet/rhel-8.10.yaml": spec,
		"deep/pkg/p.go":        []byte("package pkg\n"),
	} {
		path := filepath.Join(mod, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a := New()
	if err := Configure(a, DriverSettings{Kernel: []string{"5.10", "rhel-8.10"}, SpecFiles: []string{"fleet/rhel-8.10.yaml"}, Origin: "bpfcompat settings"}); err != nil {
		t.Fatal(err)
	}
	db, err := kernelspec.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	r := &targetResolver{flag: a.Flags.Lookup("kernel").Value.(*kernelFlag), specFiles: a.Flags.Lookup("spec-files").Value.(*specFilesFlag), db: db}
	// Run in a package's directory, as VS Code does, and analyze a
	// package elsewhere (a dependency, for its facts).
	t.Chdir(filepath.Join(mod, "deep", "pkg"))
	set, err := r.resolve(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, k := range set.kernels {
		names = append(names, k.Name)
	}
	if !slices.Equal(names, []string{"5.10", "rhel-8.10"}) {
		t.Errorf("targets %v", names)
	}

	// A path that is not there names the setting and the file.
	a = New()
	if err := Configure(a, DriverSettings{Kernel: []string{"fleet/none.yaml"}, Origin: "bpfcompat settings"}); err != nil {
		t.Fatal(err)
	}
	r = &targetResolver{flag: a.Flags.Lookup("kernel").Value.(*kernelFlag), specFiles: a.Flags.Lookup("spec-files").Value.(*specFilesFlag), db: db}
	_, err = r.resolve(filepath.Join(mod, "deep", "pkg"))
	if want := "bpfcompat settings: kernel: "; err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), filepath.Join(mod, "fleet", "none.yaml")) {
		t.Errorf("missing spec file: %v, want %q and the path", err, want)
	}

	// With the driver's configuration file known (deep/, not the module
	// root), relative paths are relative to its directory.
	a = New()
	if err := Configure(a, DriverSettings{Kernel: []string{"rhel-8.10"}, SpecFiles: []string{"../fleet/rhel-8.10.yaml"}, Origin: "bpfcompat settings", BaseDir: filepath.Join(mod, "deep")}); err != nil {
		t.Fatal(err)
	}
	r = &targetResolver{flag: a.Flags.Lookup("kernel").Value.(*kernelFlag), specFiles: a.Flags.Lookup("spec-files").Value.(*specFilesFlag), db: db}
	if set, err := r.resolve(t.TempDir()); err != nil || len(set.kernels) != 1 || set.kernels[0].Name != "rhel-8.10" {
		t.Errorf("spec-files relative to the configuration file: %v, %v", set, err)
	}
}
