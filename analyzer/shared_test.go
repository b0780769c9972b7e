package analyzer_test

import (
	"flag"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

// sharedPackages are the analysistest packages that run with the default
// configuration, by the test that checks them. Loading a package for
// analysistest type-checks it and everything it imports (cilium/ebpf, x/sys,
// the standard library) from source, which is most of a test's time; the
// tests below share one load and one analysis of all their packages, and
// each reports the failures in its own.
var sharedPackages = map[string][]string{
	"TestUnixConstants":              {"./unixconst"},
	"TestRawSyscalls":                {"./rawsyscall"},
	"TestWrappersAcrossPackages":     {"./bpfwrap", "./usewrap"},
	"TestCiliumAPI":                  {"./cilium"},
	"TestFileDirective":              {"./directive"},
	"TestConfigFile":                 {"./config"},
	"TestGeneratedFilesSkipped":      {"./generated"},
	"TestGuards":                     {"./guards"},
	"TestIgnoreAndObsoleteGuards":    {"./ignore"},
	"TestFallbacks":                  {"./fallback"},
	"TestLastResortRetries":          {"./lastresort"},
	"TestChecksAcrossPackages":       {"./checklib", "./checkuse", "./kernelcheck", "./kernelcheckuse"},
	"TestRequirementsAcrossPackages": {"./reqlib", "./requse"},
	"TestObjects":                    {"./bpf"},
	"TestOptionsPassedThrough":       {"./optlib", "./optuse"},
	"TestImpliedByData":              {"./implied"},
	"TestCallersContext":             {"./callers"},
	"TestProbeWrappers":              {"./probewrap", "./probewrapuse"},
	"TestTableProbes":                {"./tablelib", "./tableuse"},
	"TestVersionHelpers":             {"./verlib", "./veruse"},
	"TestMemoizedChecks":             {"./memolib", "./memouse"},
	"TestClosuresOfFactories":        {"./closurelib", "./closureuse"},
	"TestRawProbes":                  {"./rawprobe", "./rawprobelib", "./rawprobeuse"},
	"TestConfigSetFromProbes":        {"./cfgopt", "./cfglib", "./cfgmid", "./cfgdaemon", "./cfgelsewhere"},
	"TestFeatureErrorChecks":         {"./featurechecklib", "./featurecheckuse"},
	"TestCheckFailureReturns":        {"./errreturns"},
}

var shared struct {
	once sync.Once
	msgs []string // what analysistest reported, for all the packages run
	dirs []string // "/testdata/x/" of every package run
}

// recorder collects what analysistest reports.
type recorder struct{ msgs *[]string }

func (r recorder) Errorf(format string, args ...any) {
	*r.msgs = append(*r.msgs, fmt.Sprintf(format, args...))
}

// runShared checks the packages of the calling test (sharedPackages) from
// the shared run: the failures in its packages' files, and any that names
// no package's file (a load failure), which every test reports.
func runShared(t *testing.T) {
	t.Helper()
	t.Parallel() // the first to arrive loads; the others wait on it, overlapping the other loads
	own, ok := sharedPackages[t.Name()]
	if !ok {
		t.Fatalf("%s is not in sharedPackages", t.Name())
	}
	shared.once.Do(func() {
		var patterns []string
		for _, name := range slices.Sorted(func(yield func(string) bool) {
			for k := range sharedPackages {
				if !yield(k) {
					return
				}
			}
		}) {
			if selected(name) {
				patterns = append(patterns, sharedPackages[name]...)
			}
		}
		for _, p := range patterns {
			shared.dirs = append(shared.dirs, "/testdata/"+strings.TrimPrefix(p, "./")+"/")
		}
		analysistest.Run(recorder{&shared.msgs}, testdata(t), analyzer.New(), patterns...)
	})
	for _, msg := range shared.msgs {
		mine, anyones := false, false
		for _, p := range own {
			mine = mine || strings.Contains(msg, "/testdata/"+strings.TrimPrefix(p, "./")+"/")
		}
		for _, d := range shared.dirs {
			anyones = anyones || strings.Contains(msg, d)
		}
		if mine || !anyones {
			t.Error(msg)
		}
	}
}

// selected reports whether -run selects the top-level test name, so that
// a focused run loads only what it checks.
func selected(name string) bool {
	f := flag.Lookup("test.run")
	if f == nil || f.Value.String() == "" {
		return true
	}
	top, _, _ := strings.Cut(f.Value.String(), "/")
	re, err := regexp.Compile(top)
	return err != nil || re.MatchString(name)
}
