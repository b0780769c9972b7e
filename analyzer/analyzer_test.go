package analyzer_test

import (
	"os"
	"os/exec"
	"path/filepath"
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
