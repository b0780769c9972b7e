package analyzer_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

func TestCalleeFallback(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./calleefallback")
}

func TestPinnedLookupFallback(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./pinlib", "./pinuse")
}

func TestReportedValues(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./envdevice")
}

func TestCalleeFallbackAcrossPackages(t *testing.T) {
	analysistest.Run(t, testdata(t), analyzer.New(), "./calleelib", "./calleeuse")
}
