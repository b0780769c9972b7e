package kernelspec

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// A helper exists in a release, but each program type offers its own set
// of helpers, which grows over releases and with the configuration: a
// probed kernel's spec lists them (program_helpers), as
// features.HaveProgramHelper found them.

// namesAt is a list of names and the line it is on.
type namesAt struct {
	names []string
	line  int
}

// parseProgramHelpers reads program_helpers: a mapping from program type
// to a list of helper names.
func parseProgramHelpers(path string, n *yaml.Node) (map[string]namesAt, error) {
	if n.Kind != yaml.MappingNode {
		return nil, errAt(path, n, "program_helpers: want a mapping from program type to a list of helpers")
	}
	out := map[string]namesAt{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !namePatterns[ProgramType]().MatchString(k.Value) {
			return nil, errAt(path, k, "program_helpers: %q is not a program type", k.Value)
		}
		if _, dup := out[k.Value]; dup {
			return nil, errAt(path, k, "program_helpers: %s appears twice", k.Value)
		}
		var names []string
		if err := v.Decode(&names); err != nil {
			return nil, errAt(path, v, "program_helpers: %s: want a list of helper names", k.Value)
		}
		out[k.Value] = namesAt{names, k.Line}
	}
	return out, nil
}

// setProgramHelpers resolves program_helpers against the features: every
// program type and helper must be one the kernel has.
func (k *Kernel) setProgramHelpers(db *DB, path string, byType map[string]namesAt) error {
	for name, list := range byType {
		pt := db.Lookup(ProgramType, name)
		if pt == nil || !k.Has(pt) {
			return &SpecError{path, list.line, fmt.Sprintf("program_helpers: the kernel has no program type %s", name)}
		}
		set := map[*Feature]bool{}
		for _, h := range list.names {
			f := db.Lookup(Helper, h)
			if f == nil || !k.Has(f) {
				return &SpecError{path, list.line, fmt.Sprintf("program_helpers: %s: the kernel has no helper %s", name, h)}
			}
			set[f] = true
		}
		if k.helpers == nil {
			k.helpers = map[*Feature]map[*Feature]bool{}
		}
		k.helpers[pt] = set
	}
	return nil
}

// ProgramHelper reports whether a program of type pt may call helper on
// the kernel, and whether its spec says: probed kernels list the helpers
// of each program type; mainline releases do not.
func (k *Kernel) ProgramHelper(pt, helper *Feature) (callable, known bool) {
	set, ok := k.helpers[pt]
	if !ok {
		return false, false
	}
	return set[helper], true
}
