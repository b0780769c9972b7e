package analyzer

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
)

// TestVersionFilesFromAPIMap: the fast loader's seeds are the API map's
// release files, whatever it lists.
func TestVersionFilesFromAPIMap(t *testing.T) {
	files, err := apimap.Parse(fstest.MapFS{"kernelversion.yaml": {Data: []byte(
		"release_files:\n  - {path: /run/kernel-release, holds: release}\n  - {path: /proc/version, holds: banner}\n")}})
	if err != nil {
		t.Fatal(err)
	}
	got := factSources(files).VersionFiles
	if want := []string{"/proc/version", "/run/kernel-release"}; !slices.Equal(got, want) {
		t.Errorf("VersionFiles = %q, want the map's release_files %q", got, want)
	}
	embedded, err := LoadFactSources()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(embedded.VersionFiles, "/proc/sys/kernel/osrelease") {
		t.Errorf("the embedded map's VersionFiles %q lack /proc/sys/kernel/osrelease", embedded.VersionFiles)
	}
}

// TestTextOpsImplemented: every operation the API map's text_functions
// may name is one the evaluator computes.
func TestTextOpsImplemented(t *testing.T) {
	for _, op := range apimap.TextOps {
		if textOps[op] == nil && op != apimap.ParseInt && op != apimap.Scan {
			t.Errorf("text operation %s has no implementation", op)
		}
	}
}
