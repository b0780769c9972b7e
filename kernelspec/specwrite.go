package kernelspec

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// SpecEntry is one entry of a kernel spec: a mainline feature and how it is
// known that the kernel has it (or lacks it).
type SpecEntry struct {
	Feature *Feature
	Source  string
}

// KernelSpecFile is what a kernel spec file says: kernel Name, based on
// mainline release Base, with the features it has beyond Base (Added), those
// it lacks (Removed), and, where a probe found them, the helpers a program
// of each type may call (ProgramHelpers, by program type name).
type KernelSpecFile struct {
	Name           string
	Base           Version
	Added, Removed []SpecEntry
	ProgramHelpers map[string][]string
}

// WriteKernelSpec writes f, grouped by kind. The output loads with
// ParseKernelSpec.
func WriteKernelSpec(w io.Writer, f KernelSpecFile) error {
	if f.Name == "" || strings.ContainsAny(f.Name, " ,\t\n") {
		return fmt.Errorf("kernel spec name %q: want a short name without spaces or commas", f.Name)
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "name: %s\nbase: %q\n", f.Name, f.Base.String())
	writeSpecSection(bw, "added", f.Added)
	writeSpecSection(bw, "removed", f.Removed)
	if len(f.ProgramHelpers) > 0 {
		fmt.Fprintf(bw, "# The helpers a program of each type may call (features.HaveProgramHelper).\nprogram_helpers:\n")
		for _, pt := range slices.Sorted(maps.Keys(f.ProgramHelpers)) {
			helpers := slices.Sorted(slices.Values(f.ProgramHelpers[pt]))
			fmt.Fprintf(bw, "  %s: [%s]\n", pt, strings.Join(helpers, ", "))
		}
	}
	return bw.Flush()
}

func writeSpecSection(w io.Writer, key string, entries []SpecEntry) {
	if len(entries) == 0 {
		return
	}
	entries = slices.Clone(entries)
	slices.SortStableFunc(entries, func(a, b SpecEntry) int {
		return cmp.Or(cmp.Compare(a.Feature.Kind, b.Feature.Kind), cmp.Compare(a.Feature.Name, b.Feature.Name))
	})
	fmt.Fprintf(w, "%s:\n", key)
	var last Kind
	for _, e := range entries {
		f := e.Feature
		if f.Kind != last {
			fmt.Fprintf(w, "  %s:\n", sectionKey(f.Kind))
			last = f.Kind
		}
		// A member of a container is written by its own name, with the
		// container in the list the kind's entries carry.
		name, within, list := f.Name, "", ""
		switch f.Kind {
		case AttrField:
			name, within, list = f.Field, f.Command, "commands"
		case HelperCall:
			name, within, list = f.Member, f.Within, "program_types"
		case MapOperation:
			name, within, list = f.Member, f.Within, "map_types"
		}
		fmt.Fprintf(w, "    - name: %s\n", name)
		if list != "" {
			fmt.Fprintf(w, "      %s: [%s]\n", list, within)
		}
		fmt.Fprintf(w, "      source: %s\n", strconv.Quote(e.Source))
	}
}
