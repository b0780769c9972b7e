package analyzer_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

// A function of another package that never returns (exitlib.Die, which
// selects no BPF feature itself) ends a path like a return does.
func TestNoReturnAcrossPackages(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./exitlib", "./exituse")
}

// A range loop over a non-empty literal runs at least once: the value a
// variable had before it does not reach the code after it.
func TestLoopsEntered(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./retry")
}
