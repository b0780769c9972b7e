package kernelspec

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Kernel is a kernel a program may run on: a mainline release, or a
// distribution or custom kernel described by a user spec file as a base
// release plus what it has beyond it (backports) or lacks (configured out).
type Kernel struct {
	// Name is how diagnostics call it: "5.4", or the spec's name ("rhel-8.10").
	Name string
	Base Version
	// File is the user spec the kernel came from; empty for mainline.
	File    string
	added   map[*Feature]Provenance
	removed map[*Feature]Provenance
	// helpers maps a program type to the helpers it may call, where the
	// spec says (program_helpers).
	helpers map[*Feature]map[*Feature]bool
}

// Has reports whether the kernel has feature f.
func (k *Kernel) Has(f *Feature) bool {
	if _, ok := k.removed[f]; ok {
		return false
	}
	if _, ok := k.added[f]; ok {
		return true
	}
	return f.InRelease(k.Base)
}

// Lacks reports whether the kernel's spec removes f, a feature of its base
// release (its build leaves it out), and the entry that says so.
func (k *Kernel) Lacks(f *Feature) (Provenance, bool) {
	p, ok := k.removed[f]
	return p, ok && f.InRelease(k.Base)
}

// Mainline reports whether k is a mainline release rather than a user spec.
func (k *Kernel) Mainline() bool { return k.File == "" }

func (k *Kernel) String() string { return k.Name }

// Release returns mainline kernel v, or an error if the data has no such
// release. A stable version (6.12.40) has what its series took by then
// (specs/stable/); the release alone (6.12) has only what mainline did.
func (db *DB) Release(v Version) (*Kernel, error) {
	if err := db.CheckRelease(v); err != nil {
		return nil, err
	}
	name := v.Release().String()
	if v.Patch != 0 {
		name = v.String()
	}
	return &Kernel{Name: name, Base: v.Release(), added: db.backportsBy(v)}, nil
}

// ParseKernel resolves a target as users write it: a version ("5.10") or the
// path of a kernel spec file ("./fleet/rhel-8.10.yaml").
func (db *DB) ParseKernel(s string) (*Kernel, error) {
	if strings.HasSuffix(s, ".yaml") || strings.HasSuffix(s, ".yml") || strings.ContainsRune(s, filepath.Separator) {
		return db.LoadKernel(s)
	}
	v, err := ParseVersion(s)
	if err != nil {
		return nil, err
	}
	return db.Release(v)
}

// LoadKernel reads a kernel spec file: the kernel a distribution ships,
// described relative to the mainline release it is based on.
func (db *DB) LoadKernel(path string) (*Kernel, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("kernel spec: %w", err)
	}
	return db.ParseKernelSpec(path, data)
}

// ParseKernelSpec is LoadKernel for a spec already read; path is used in errors.
func (db *DB) ParseKernelSpec(path string, data []byte) (*Kernel, error) {
	sf, err := parseSpecFile(nil, path, data, false)
	if err != nil {
		return nil, err
	}
	if err := db.CheckRelease(sf.Base); err != nil {
		return nil, &SpecError{path, sf.BaseLine, "base: " + err.Error()}
	}
	k := &Kernel{Name: sf.Name, Base: sf.Base.Release(), File: path,
		added: map[*Feature]Provenance{}, removed: map[*Feature]Provenance{}}
	for _, list := range []struct {
		entries []entry
		into    map[*Feature]Provenance
		added   bool
	}{{sf.Added, k.added, true}, {sf.Removed, k.removed, false}} {
		for i := range list.entries {
			e := &list.entries[i]
			for _, name := range names(e) {
				f := db.Lookup(e.Kind, name)
				if f == nil {
					return nil, &SpecError{path, e.Line, fmt.Sprintf("unknown %s %s: a kernel spec adds or removes features that mainline has", e.Kind, name)}
				}
				if err := matches(f, e); err != nil {
					return nil, &SpecError{path, e.Line, fmt.Sprintf("%s %s: %v", e.Kind, name, err)}
				}
				if _, dup := k.added[f]; dup {
					return nil, &SpecError{path, e.Line, fmt.Sprintf("%s %s is listed twice", e.Kind, name)}
				}
				if _, dup := k.removed[f]; dup {
					return nil, &SpecError{path, e.Line, fmt.Sprintf("%s %s is listed twice", e.Kind, name)}
				}
				list.into[f] = e.provenance(path)
			}
		}
	}
	// A base with a patch level has what its stable series took by then.
	for f, p := range db.backportsBy(sf.Base) {
		if _, ok := k.removed[f]; !ok {
			if _, ok := k.added[f]; !ok {
				k.added[f] = p
			}
		}
	}
	if err := k.setProgramHelpers(db, path, sf.ProgramHelpers); err != nil {
		return nil, err
	}
	return k, nil
}

// matches checks what a kernel spec entry says against mainline: a value or
// layout, where given, must agree.
func matches(f *Feature, e *entry) error {
	switch {
	case e.Value != nil && *e.Value != f.Value:
		return fmt.Errorf("value %#x, but mainline has %#x", *e.Value, f.Value)
	case e.Offset != nil && (*e.Offset != f.Offset || (e.Size != 0 && e.Size != f.Size)):
		return fmt.Errorf("offset %d size %d, but mainline has offset %d size %d", *e.Offset, e.Size, f.Offset, f.Size)
	}
	return nil
}
