package analyzer_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
	runShared(t)
}

func TestRawSyscalls(t *testing.T) {
	runShared(t)
}

func TestWrappersAcrossPackages(t *testing.T) {
	runShared(t)
}

func TestCiliumAPI(t *testing.T) {
	runShared(t)
}

func TestFileDirective(t *testing.T) {
	runShared(t)
}

func TestConfigFile(t *testing.T) {
	runShared(t)
}

func TestGeneratedFilesSkipped(t *testing.T) {
	runShared(t)
}

func TestKernelFlagWithSeveralTargets(t *testing.T) {
	t.Parallel() // loads testdata on its own: overlaps the others
	a := analyzer.New()
	spec := filepath.Join(testdata(t), "flagtarget", "rhel-8.10.yaml")
	if err := a.Flags.Set("kernel", "5.10,6.1,"+spec); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata(t), a, "./flagtarget")
}

// TestBuiltinTarget: -kernel=debian-12 is the spec probed from Debian's
// 6.1 kernel package (specs/targets), which lacks what its configuration
// leaves out.
func TestBuiltinTarget(t *testing.T) {
	a := analyzer.New()
	if err := a.Flags.Set("kernel", "debian-12"); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata(t), a, "./builtintarget")
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
	t.Parallel() // loads testdata on its own: overlaps the others
	results := analysistest.Run(nopT{t}, testdata(t), analyzer.New(), "./badconfig")
	if len(results) == 0 || results[0].Err == nil || !strings.HasSuffix(results[0].Err.Error(), `badconfig/.bpfcompat.yaml:2: unknown key "kernels"; did you mean "kernel"? (the keys are kernel, spec-files, disable, checks)`) {
		t.Errorf("want an error naming the config file and the bad key, got %v", results)
	}
}

// nopT runs analysistest where an analysis error is the expected outcome:
// it records nothing, so the test inspects the results itself.
type nopT struct{ *testing.T }

func (nopT) Errorf(string, ...any) {}

func TestGuards(t *testing.T) {
	runShared(t)
}

func TestIgnoreAndObsoleteGuards(t *testing.T) {
	runShared(t)
}

func TestFallbacks(t *testing.T) {
	runShared(t)
}

// TestLastResortRetries checks that a flag a retry sets only after the
// tries without it failed with a not-supported error is not reported.
func TestLastResortRetries(t *testing.T) {
	runShared(t)
}

func TestChecksAcrossPackages(t *testing.T) {
	runShared(t)
}

func TestRequirementsAcrossPackages(t *testing.T) {
	runShared(t)
}

func TestSuggestedFixes(t *testing.T) {
	t.Parallel() // loads testdata on its own: overlaps the others
	analysistest.RunWithSuggestedFixes(t, testdata(t), analyzer.New(), "./fixes")
}

func TestKernelNamesFromSpecFiles(t *testing.T) {
	t.Parallel() // loads testdata on its own: overlaps the others
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
// of testdata does not trip on it. analysistest itself fails the test on
// any diagnostic not wanted; the package must also fail to type-check in
// exactly the ways it was written to, or it would test nothing.
func TestTypeErrors(t *testing.T) {
	t.Parallel() // loads testdata on its own: overlaps the others
	dir := filepath.Join(testdata(t), "broken")
	results := analysistest.Run(t, dir, analyzer.New(), ".")
	if len(results) != 1 {
		t.Fatalf("%d results, want 1", len(results))
	}
	if err := results[0].Err; err != nil {
		t.Errorf("the analyzer failed on a package with type errors: %v", err)
	}
	var got []string
	for _, e := range results[0].Action.Package.Errors {
		msg, _, _ := strings.Cut(e.Msg, "\n")
		got = append(got, fmt.Sprintf("%s: %s", filepath.Base(e.Pos), msg))
	}
	want := []string{
		"broken.go:13:9: undefined: undefinedFlags",
		"broken.go:17:23: undefined: extraArgument",
		"broken.go:17:23: too many arguments in call to ringbuf.NewReader",
		`broken.go:18:14: cannot use "not an int" (untyped string constant) as int value in variable declaration`,
		"broken.go:20:2: undefined: link",
	}
	if !slices.Equal(got, want) {
		t.Errorf("type errors of testdata/broken:\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

func TestObjects(t *testing.T) {
	runShared(t)
}

func TestOptionsPassedThrough(t *testing.T) {
	runShared(t)
}

func TestImpliedByData(t *testing.T) {
	runShared(t)
}

func TestCallersContext(t *testing.T) {
	runShared(t)
}

// TestProbeWrappers: a project's own probe wrappers and tables of probe
// arguments name features without selecting them, in their package and
// across packages, and a wrapper's nil result proves what its arguments
// name.
func TestProbeWrappers(t *testing.T) {
	runShared(t)
}

// TestTableProbes: a function that probes every entry of a constant table
// (nested loops over two, a cross product) and gives up on the first
// failure is a check of every entry, and a (bool, T) result carries it on
// true; a loop that stops at the first success, ignores a failure, skips
// entries, or probes a table it changed proves no entry.
func TestTableProbes(t *testing.T) {
	runShared(t)
}

// Probes kept for later: in a struct a sync.Once fills, in sync.OnceValue
// and sync.OnceValues, in package variables, in fields tested by other
// methods; each beside a twin whose value has another source.
func TestMemoizedChecks(t *testing.T) {
	runShared(t)
}

// Hand-written bpf(2) probes through x/sys/unix: a call that tries a flag,
// a map type or an attr field and takes EINVAL as "missing" makes its
// function a check, memoized or not, returning a bool or an error; a
// wrapper's argument that it tests before writing it into the attr is
// decided by what each caller passes.
func TestRawProbes(t *testing.T) {
	runShared(t)
}

// A library that uses a feature only when a global configuration field
// is set hands the requirement up, conditioned on the field; the call is
// guarded where every write of the field in sight leaves it true only
// after a probe passed (a daemon that sets it and clears it when the
// probe fails), and not where a write sets it by hand, the command line
// sets it, or no write is in sight.
func TestConfigSetFromProbes(t *testing.T) {
	runShared(t)
}

// A function whose nil (or true) result follows an error only a kernel
// with the feature returns (ENODEV from link.AttachNetkit) is a check of
// it, memoized or not; nil after any error, or after an errno any kernel
// returns, is none.
func TestFeatureErrorChecks(t *testing.T) {
	runShared(t)
}

// A closure a factory returns is checked where it is called; a factory's
// requirement covers its closures.
func TestClosuresOfFactories(t *testing.T) {
	runShared(t)
}

// TestCheckFailureReturns: a check's return of an error that cannot be nil
// there (a never_nil error maker's, or a variable the flow proves is not
// nil, however the test is spelt) proves nothing and needs not; one that
// may be nil makes the function no check.
func TestCheckFailureReturns(t *testing.T) {
	runShared(t)
}

// TestIdioms is the matrix of guards: each guarded form beside its
// unguarded twin.
func TestIdioms(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./idioms")
}

func TestOrder(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./order")
}

// A bpf2go package's loaders are facts: calls in other packages, and calls
// through loaders kept as values, load its object.
func TestObjectLoadersAcrossPackages(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./bpfuse")
}

// A function that returns a spec built from an embedded object, or loads
// one in an exported function, hands the load to its callers: their
// guards and fallbacks decide, and the load is reported at the callers or
// where no caller can decide, never both.
func TestObjectLoadsHandedOn(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./objlib", "./objuse", "./objmain")
}

// What cilium/ebpf rewrites for old kernels needs only its replacement
// there; what it leaves out (BTF func info) needs nothing.
func TestObjectLoadFixups(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./bpfold")
}

// An operation that came to a map type later than the command itself is
// checked where the map's type is known.
func TestMapOperations(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./mapops", "./mapbatch")
}

// The flags of map lookups and updates, and freezing, at a target older
// than all three.
func TestMapOperationFlags(t *testing.T) {
	a := analyzer.New()
	if err := a.Flags.Set("kernel", "4.19"); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata(t), a, "./mapflags")
}

// A spec built to hold some programs of an object, named by constants or
// by a caller's argument, needs only what those programs need.
func TestObjectSpecFilteredToPrograms(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./objfilter", "./objfilteruse")
}

// Calls of a helper patched out of a spec's instructions where its probe
// failed are needed nowhere.
func TestObjectSpecPatchedAfterProbe(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./objrewrite")
}
