package kernelspec

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/bpfcompat/bpfcompat/specs"
)

// ErrNoTarget means no built-in target has the name.
var ErrNoTarget = errors.New("no built-in target")

// Targets lists the names of the built-in targets: distribution kernels
// probed from their packages (specs/targets), such as debian-12.
func Targets() []string {
	names, _ := fs.Glob(specs.Targets(), "*.yaml")
	for i, n := range names {
		names[i] = strings.TrimSuffix(n, ".yaml")
	}
	return names
}

// Target returns the built-in target called name.
func (db *DB) Target(name string) (*Kernel, error) {
	if path.Base(name) != name || strings.HasSuffix(name, ".yaml") {
		return nil, fmt.Errorf("%w %q", ErrNoTarget, name)
	}
	data, err := fs.ReadFile(specs.Targets(), name+".yaml")
	if err != nil {
		return nil, fmt.Errorf("%w %q (built-in targets: %s)", ErrNoTarget, name, strings.Join(Targets(), ", "))
	}
	return db.ParseKernelSpec("specs/targets/"+name+".yaml", data)
}
