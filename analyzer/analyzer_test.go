package analyzer_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

// testdata is a module of its own so that its packages import the real
// cilium/ebpf and x/sys, at the versions this project supports.
func testdata(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestTestdataBuilds keeps the test packages honest: the analyzer runs
// despite type errors, so a typo in testdata would silently test nothing.
func TestTestdataBuilds(t *testing.T) {
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = testdata(t)
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOPROXY=off", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("testdata does not build: %v\n%s", err, out)
	}
}

func TestUnixConstants(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./unixconst")
}

func TestRawSyscalls(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./rawsyscall")
}

func TestWrappersAcrossPackages(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./bpfwrap", "./usewrap")
}

func TestCiliumAPI(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./cilium")
}

func TestFileDirective(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./directive")
}

func TestConfigFile(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./config")
}

func TestGeneratedFilesSkipped(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./generated")
}

func TestKernelFlagWithSeveralTargets(t *testing.T) {
	a := analyzer.New()
	spec := filepath.Join(testdata(t), "flagtarget", "rhel-8.10.yaml")
	if err := a.Flags.Set("kernel", "5.10,6.1,"+spec); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata(t), a, "./flagtarget")
}

func TestBadKernelFlag(t *testing.T) {
	for bad, want := range map[string]string{
		"5.x":            `invalid kernel version "5.x"`,
		"":               "empty target",
		"9.1":            "kernel 9.1 is newer than the newest release in the specs",
		"5.25":           "5.25 is not a Linux release",
		"./missing.yaml": "missing.yaml: no such file",
	} {
		err := analyzer.New().Flags.Set("kernel", bad)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("-kernel=%q: error %v, want it to contain %q", bad, err, want)
		}
	}
}

func TestBadConfigFile(t *testing.T) {
	results := analysistest.Run(nopT{t}, testdata(t), analyzer.New(), "./badconfig")
	if len(results) == 0 || results[0].Err == nil || !strings.Contains(results[0].Err.Error(), `badconfig/.bpfcompat.yaml: `) || !strings.Contains(results[0].Err.Error(), "field kernels not found") {
		t.Errorf("want an error naming the config file and the bad key, got %v", results)
	}
}

// nopT runs analysistest where an analysis error is the expected outcome:
// it records nothing, so the test inspects the results itself.
type nopT struct{ *testing.T }

func (nopT) Errorf(string, ...any) {}

func TestGuards(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./guards")
}

func TestIgnoreAndObsoleteGuards(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./ignore")
}

func TestFallbacks(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./fallback")
}

func TestChecksAcrossPackages(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./checklib", "./checkuse")
}

func TestRequirementsAcrossPackages(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./reqlib", "./requse")
}

func TestSuggestedFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, testdata(t), analyzer.New(), "./fixes")
}

func TestKernelNamesFromSpecFiles(t *testing.T) {
	a := analyzer.New()
	spec := filepath.Join(testdata(t), "flagtarget", "rhel-8.10.yaml")
	for flag, value := range map[string]string{"spec-files": spec, "kernel": "5.10,6.1,rhel-8.10"} {
		if err := a.Flags.Set(flag, value); err != nil {
			t.Fatal(err)
		}
	}
	analysistest.Run(t, testdata(t), a, "./flagtarget")

	if err := analyzer.New().Flags.Set("spec-files", "./missing.yaml"); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("-spec-files=./missing.yaml: %v", err)
	}
}

// TestTypeErrors: the analyzer runs despite type errors and reports what
// resolves; testdata/broken is a module of its own so that the build check
// of testdata does not trip on it.
func TestTypeErrors(t *testing.T) {
	dir := filepath.Join(testdata(t), "broken")
	analysistest.Run(nopErrorsT{t}, dir, analyzer.New(), ".")
}

// nopErrorsT lets analysistest's complaints about the package's own type
// errors through silently but fails on anything about diagnostics.
type nopErrorsT struct{ *testing.T }

func (t nopErrorsT) Errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if strings.Contains(msg, "undefined") || strings.Contains(msg, "cannot use") || strings.Contains(msg, "too many arguments") || strings.Contains(msg, "type-checking") || strings.Contains(msg, "errors") && !strings.Contains(msg, "diagnostic") {
		return
	}
	t.T.Errorf("%s", msg)
}

func TestObjects(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./bpf")
}

func TestOptionsPassedThrough(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./optlib", "./optuse")
}

func TestImpliedByData(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./implied")
}

func TestCallersContext(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./callers")
}

// TestIdioms is the matrix of guards: each guarded form beside its
// unguarded twin.
func TestIdioms(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./idioms")
}

func TestOrder(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./order")
}
