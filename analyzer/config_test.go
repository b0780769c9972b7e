package analyzer

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestConfigErrors: every mistake in .bpfcompat.yaml is one line,
// file:line: reason, in the file's own terms (never the decoder's Go
// types), with the key meant when one is misspelt.
func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"kernel: 5.4\nkernels: 6.1\n", `^x.yaml:2: unknown key "kernels"; did you mean "kernel"\? \(the keys are kernel, spec-files\)$`},
		{"spec_files: [a.yaml]\n", `^x.yaml:1: unknown key "spec_files"; did you mean "spec-files"\?`},
		{"target: 5.4\n", `^x.yaml:1: unknown key "target" \(the keys are kernel, spec-files\)$`},
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
