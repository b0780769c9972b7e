package analyzer

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"
)

// TestLibraryVersionNoted gives the analyzer an API map that describes
// another cilium/ebpf version than testdata builds with: the package that
// imports it gets one note.
func TestLibraryVersionNoted(t *testing.T) {
	files, err := embeddedAPI()
	if err != nil {
		t.Fatal(err)
	}
	s := newState()
	s.indexOnce.Do(func() {
		s.index = files.Index()
		s.index.Modules["github.com/cilium/ebpf"] = "v0.21.0"
	})
	a := New()
	a.Run = s.run
	dir, err := filepath.Abs(filepath.Join("..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, dir, a, "./apiversion", "./apiversionup")
}
