package kernelspec

import (
	"errors"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/bpfcompat/bpfcompat/specs"
)

// Every built-in target loads, is named as its file, and says which kernel
// package and configuration it was probed from.
func TestTargets(t *testing.T) {
	db, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	names := Targets()
	if len(names) == 0 {
		t.Fatal("no built-in targets")
	}
	header := regexp.MustCompile(`(?m)^# \S+: Debian's kernel package linux-image-\S+, version \S+, probed under qemu\n# with its configuration \(\S+ of the package\)`)
	for _, name := range names {
		k, err := db.Target(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if k.Name != name {
			t.Errorf("specs/targets/%s.yaml names itself %q", name, k.Name)
		}
		data, _ := fs.ReadFile(specs.Targets(), name+".yaml")
		if !header.Match(data) {
			t.Errorf("specs/targets/%s.yaml does not name its package, version and configuration", name)
		}
	}
	_, err = db.Target("debian-9")
	if !errors.Is(err, ErrNoTarget) || !strings.Contains(err.Error(), strings.Join(names, ", ")) {
		t.Errorf("Target(debian-9): %v", err)
	}
}
